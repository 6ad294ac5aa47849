"""Policy files (YAML, one per policy document). A package only so that installs ship the YAML."""
