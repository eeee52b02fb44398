"""Importing the register from the national format (DESIGN §11), in phases:

- ``reading``: the upload (XLSX with python-calamine, CSV, a ZIP of CSVs), headers located;
- ``cleaning`` and ``validation``: each row on its own, with the models' own rules (the income
  sub-items and their totals: ``income_items``);
- ``register`` and ``cross_checks``: the rules across rows and sheets and against the register,
  then the comparison (new, updated, unchanged, invalid);
- ``writer``: the write in bulk, in the caller's transaction;
- ``run``: ``run_import``, which strings them together (a dry run or a commit).

The sheets and their columns are ``households.resources``.
"""
