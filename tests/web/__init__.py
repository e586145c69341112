"""The workbench tests (safecomm serve): scope, browser flows, faults, hostile input."""
