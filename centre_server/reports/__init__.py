"""Managers' history and reports: one KPI query layer (`kpis`) and its CSV, XLSX and PDF files."""
