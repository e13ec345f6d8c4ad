# Front door for users and CI: installs what is missing, configures meson in build/,
# compiles, then runs or tests. See README.md.
BUILD ?= build
MESON_SETUP_OPTS ?=
L2L = $(BUILD)/src/cli/l2l
WORKBENCH = $(BUILD)/src/ui/l2l-workbench

.PHONY: all deps build run test bench clean

all: build

deps:
	@scripts/install-deps

build: deps
	@test -f $(BUILD)/build.ninja || meson setup $(BUILD) $(MESON_SETUP_OPTS)
	@meson compile -C $(BUILD)

# The desktop app where there is a display; the terminal comparison elsewhere.
run: build
	@if [ -n "$${DISPLAY}$${WAYLAND_DISPLAY}" ]; then \
	  GSETTINGS_SCHEMA_DIR=$(BUILD)/data $(WORKBENCH); \
	else \
	  echo "No display (DISPLAY and WAYLAND_DISPLAY are unset): running the terminal comparison instead."; \
	  $(L2L) compare --task quadratic --tune --runs 100; \
	fi

test: build
	@meson test -C $(BUILD) --print-errorlogs; rc=$$?; \
	  scripts/test-summary $(BUILD)/meson-logs/testlog.json; exit $$rc

bench: build
	@meson test -C $(BUILD) --benchmark --verbose

clean:
	rm -rf $(BUILD)
