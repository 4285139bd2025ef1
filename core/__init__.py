"""The shared vocabulary of the product, below both sides.

`etl/` (files → warehouse) and `oversight/` (the read side) both import this package; it
imports neither. It holds what both sides must agree on, each defined once:

- `contract`: the five report kinds a community sends (columns, types, units, keys, rules);
- `metrics`: the metric catalogue (name, zh/en label, unit, format, standard, alert,
  direction) and the one function that renders a metric to SQL for any grouping and period;
- `columns`: the column dictionary (the label and unit of every public-view column);
- `peers`: peer groups, who is ranked against whom (arena, bulletin);
- `settings`: limits, the complete-month share and the minimum cases, from the environment;
- `months`: month arithmetic; `paths`: where the warehouse lives; `sql`: identifiers and
  trusted SQL fragments.
"""
