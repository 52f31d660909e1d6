# Sourced by scripts/serve and scripts/test: create .venv and (re)install the project when
# the venv is new, pyproject.toml changed since the last install, or a tool is missing.
ensure_venv() {
  local stamp=.venv/.installed-stamp
  if [ ! -x .venv/bin/python ]; then
    echo "== creating .venv"
    python3 -m venv .venv || return 1
  fi
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ ! -x .venv/bin/loyalty ] || [ ! -x .venv/bin/pytest ]; then
    echo "== installing into .venv (the first time takes a minute)"
    .venv/bin/pip install -q --upgrade pip >/dev/null 2>&1 || true
    .venv/bin/pip install -q -e ".[dev]" || return 1
    touch "$stamp"
  fi
}
