# Two commands do everything: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
ifeq ($(OS),Windows_NT)
  BIN := $(VENV)/Scripts
  EXE := .exe
else
  BIN := $(VENV)/bin
  EXE :=
endif
PY := $(BIN)/python
STAMP := $(VENV)/.installed

.PHONY: run test bench dist smoke clean system-deps windows-smoke dist-windows bench-windows windows-shots

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

run: $(STAMP)
	$(PY) main.py

# Whole suite headless. pytest's exit code 5 (no tests collected) fails the run.
test: $(STAMP) $(VENV)/.sysdeps
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

# Speed scripts (bench/bench_*.py): medians and ratios against a baseline of the same run.
bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) bench/run_all.py

# One-folder build in dist/ZhushanCarbonPeak/ (about half a minute); see README (Windows 打包).
dist: $(STAMP)
	$(PY) -m PyInstaller --noconfirm --clean build.spec

# Build, then run the built program's self-check (database, plan, window, briefing, ledger).
smoke: dist
	QT_QPA_PLATFORM=offscreen dist/ZhushanCarbonPeak/ZhushanCarbonPeak$(EXE) --smoke

# Windows build tested under Wine (not part of `make test`): Windows CPython, the pinned
# win_amd64 wheels, main.py --smoke, the PyInstaller build and the exe's tools (the shared
# script beside the project, ../shared/tools), then the project's own checks of that build on
# a Chinese Windows (.ci/win-checks.sh). WORK keeps the download cache between runs; a lock in
# it lets one run at a time use it.
WIN_SMOKE ?= ../shared/tools/win-smoke.sh
WINSMOKE_WORK ?= $(HOME)/.cache/carbon-peak-winsmoke
windows-smoke: $(STAMP)
	@if [ -f "$(WIN_SMOKE)" ]; then \
	  mkdir -p "$(WINSMOKE_WORK)" && WORK="$(WINSMOKE_WORK)" flock "$(WINSMOKE_WORK)/.lock" \
	    sh -c 'bash "$(WIN_SMOKE)" "$(CURDIR)" && bash .ci/win-checks.sh "$(CURDIR)"'; \
	else \
	  echo "$(WIN_SMOKE) not found: copy win-smoke.sh from the team's shared tools folder" \
	       "(/work/shared/tools/win-smoke.sh) or set WIN_SMOKE=path/to/win-smoke.sh"; exit 2; \
	fi

# The release for clerks: the same Windows build under Wine, zipped as
# dist/ZhushanCarbonPeak-<version>-win64.zip, its size printed, and the zip tested on a Chinese
# Windows under Wine (.ci/win-zip-check.sh: no stand-in DLL inside, unpacks, --smoke, portable
# switch). Needs what windows-smoke needs.
dist-windows: $(STAMP)
	@if [ -f "$(WIN_SMOKE)" ]; then \
	  mkdir -p "$(WINSMOKE_WORK)" && WORK="$(WINSMOKE_WORK)" flock "$(WINSMOKE_WORK)/.lock" \
	    sh -c 'bash "$(WIN_SMOKE)" "$(CURDIR)" && bash .ci/dist-windows.sh "$(CURDIR)"'; \
	else \
	  echo "$(WIN_SMOKE) not found: copy win-smoke.sh from /work/shared/tools or set WIN_SMOKE=…"; exit 2; \
	fi

# Start-up of the Windows build under Wine against a bare PySide6 window frozen the same way
# (bench/bench_startup_windows.py; the baseline is built by .ci/win-bare-build.sh).
bench-windows: $(STAMP)
	@if [ -f "$(WIN_SMOKE)" ]; then \
	  mkdir -p "$(WINSMOKE_WORK)" && WORK="$(WINSMOKE_WORK)" flock "$(WINSMOKE_WORK)/.lock" \
	    sh -c 'bash "$(WIN_SMOKE)" "$(CURDIR)" && bash .ci/win-bare-build.sh "$(CURDIR)" && \
	      WINSMOKE_WORK="$(WINSMOKE_WORK)" xvfb-run -a -s "-screen 0 1600x900x24" $(PY) bench/bench_startup_windows.py'; \
	else \
	  echo "$(WIN_SMOKE) not found: copy win-smoke.sh from /work/shared/tools or set WIN_SMOKE=…"; exit 2; \
	fi

# Screenshots of every page at 100/125/150 % scaling under Wine (windows platform plugin, Xvfb)
# into $(SHOTS), a check that no page is cut, the print preview and print dialogs.
SHOTS ?= $(HOME)/.cache/carbon-peak-winshots
windows-shots: $(STAMP)
	mkdir -p "$(WINSMOKE_WORK)" && WORK="$(WINSMOKE_WORK)" SHOTS="$(SHOTS)" \
	  flock "$(WINSMOKE_WORK)/.lock" bash .ci/win-shots.sh "$(CURDIR)"

# LibreOffice (xlsx → PDF check) and poppler: installed once when missing and possible
# (root with apt-get); otherwise the tests that need them are skipped.
$(VENV)/.sysdeps: | $(STAMP)
	@command -v soffice >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc poppler-utils >/dev/null; } || \
	  echo "note: LibreOffice not installed; tests that convert xlsx to PDF will be skipped"
	@touch $@

# Debian packages used by a few tests (LibreOffice conversion) and for screenshots.
system-deps:
	apt-get update -qq && apt-get install -y -qq libreoffice-calc poppler-utils xvfb imagemagick

clean:
	rm -rf build dist .pytest_cache
