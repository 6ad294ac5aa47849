"""Import specs: filled in below once the directory import framework lands."""
