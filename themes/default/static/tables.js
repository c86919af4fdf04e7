/* Rapor table tools: sort and filter the ranking tables of a page (templates/_ranking_tools.html,
   generator/table_tools.py). Progressive: without this script the tables are complete and the controls
   stay hidden. Rows carry their own figures (data-sort, data-filter), so nothing is read from locale text. */
(function () {
  'use strict';
  var form = document.querySelector('form.table-tools');
  var tables = Array.prototype.slice.call(document.querySelectorAll('table.ranking'));
  if (!form || !tables.length || !''.normalize) return;

  var status = form.querySelector('.tools-status');
  var selects = Array.prototype.slice.call(form.querySelectorAll('select[data-field]'));
  var text = form.querySelector('input[name="text"]');
  var countText = form.getAttribute('data-count') || '';
  var group = form.getAttribute('data-group') || '';
  var collator = new Intl.Collator(document.documentElement.lang || undefined, {sensitivity: 'base', numeric: true});
  var timer = 0;

  // Case and accents do not matter: "banyuwangi" finds "Banyuwangi", "peru" finds "Perú".
  function fold(value) {
    return value.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\s+/g, ' ').trim();
  }

  function integer(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, group);
  }

  var models = tables.map(function (table) {
    var body = table.tBodies[0];
    var rows = Array.prototype.map.call(body.rows, function (tr, position) {
      var head = tr.querySelector('th');
      return {
        tr: tr,
        position: position,
        sort: (tr.getAttribute('data-sort') || '').split('|'),
        filter: (tr.getAttribute('data-filter') || '').split(' '),
        name: fold(head ? head.textContent : '')
      };
    });
    var model = {table: table, body: body, rows: rows, headers: []};
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      if (!th.hasAttribute('data-num') && !th.hasAttribute('data-text')) return;
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort';
      while (th.firstChild) button.appendChild(th.firstChild);
      var icon = document.createElement('span');
      icon.className = 'sort-icon';
      icon.setAttribute('aria-hidden', 'true');
      button.appendChild(icon);
      th.appendChild(button);
      model.headers.push(th);
      button.addEventListener('click', function () {
        var current = th.getAttribute('aria-sort');
        var first = th.hasAttribute('data-desc') ? 'descending' : 'ascending';
        var direction = current ? (current === 'ascending' ? 'descending' : 'ascending') : first;
        sort(model, th, direction);
        announce(0);
      });
    });
    return model;
  });

  function sortValue(row, th) {
    if (th.hasAttribute('data-num')) {
      var field = row.sort[Number(th.getAttribute('data-num'))];
      return field === undefined || field === '' ? null : Number(field);
    }
    var cell = row.tr.cells[th.cellIndex];
    var value = cell ? cell.textContent.trim() : '';
    return value === '' || value === '\u2013' ? null : value;
  }

  // Rows without a value come last either way; equal values keep their rank order (ties stay together).
  function sort(model, th, direction) {
    var sign = direction === 'descending' ? -1 : 1;
    var numeric = th.hasAttribute('data-num');
    var keyed = model.rows.map(function (row) { return {row: row, value: sortValue(row, th)}; });
    keyed.sort(function (a, b) {
      if (a.value === null || b.value === null) {
        if (a.value === b.value) return a.row.position - b.row.position;
        return a.value === null ? 1 : -1;
      }
      var order = numeric ? a.value - b.value : collator.compare(a.value, b.value);
      return order ? sign * order : a.row.position - b.row.position;
    });
    var fragment = document.createDocumentFragment();
    keyed.forEach(function (item) { fragment.appendChild(item.row.tr); });
    model.body.appendChild(fragment);
    model.headers.forEach(function (other) {
      if (other === th) other.setAttribute('aria-sort', direction);
      else other.removeAttribute('aria-sort');
    });
  }

  function filter() {
    var query = fold(text ? text.value : '');
    var wanted = selects.map(function (select) {
      return {field: Number(select.getAttribute('data-field')), value: select.value};
    }).filter(function (choice) { return choice.value !== ''; });
    var shown = 0;
    var total = 0;
    models.forEach(function (model) {
      var visible = 0;
      model.rows.forEach(function (row) {
        var match = (!query || row.name.indexOf(query) !== -1) && wanted.every(function (choice) {
          return row.filter[choice.field] === choice.value;
        });
        row.tr.hidden = !match;
        if (match) visible += 1;
      });
      // A type's ranking has a table per level: a level left without rows is hidden with its heading.
      var section = model.table.closest('section');
      if (section && models.length > 1) section.hidden = visible === 0;
      shown += visible;
      total += model.rows.length;
    });
    return {shown: shown, total: total};
  }

  function announce(delay) {
    window.clearTimeout(timer);
    var counts = filter();
    var message = countText.replace('{shown}', integer(counts.shown)).replace('{total}', integer(counts.total));
    // Typing waits for a pause before the count is announced, so a screen reader is not flooded.
    timer = window.setTimeout(function () { status.textContent = message; }, delay);
  }

  form.addEventListener('submit', function (event) { event.preventDefault(); });
  form.addEventListener('input', function (event) { announce(event.target === text ? 500 : 0); });
  form.addEventListener('reset', function () {
    // The fields are cleared after this event: wait for that, then show every row in rank order.
    window.setTimeout(function () {
      models.forEach(function (model) {
        var rank = model.table.querySelector('thead th[data-num="0"]');
        if (rank) sort(model, rank, 'ascending');
      });
      announce(0);
    }, 0);
  });

  form.hidden = false;
  announce(0);
}());
