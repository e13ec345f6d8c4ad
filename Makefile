# Front door for users and CI: installs what is missing, configures meson in build/,
# compiles, then runs or tests. See README.md.
BUILD ?= build
MESON_SETUP_OPTS ?=
MESON_TEST_OPTS ?=
L2L = $(BUILD)/src/cli/l2l
WORKBENCH = $(BUILD)/src/ui/l2l-workbench

FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?= 3000

.PHONY: all deps build run test bench docs fuzz fuzz-ci fuzz-build clean

all: build

deps:
	@scripts/install-deps

build: deps
	@test -f $(BUILD)/build.ninja || meson setup $(BUILD) $(MESON_SETUP_OPTS)
	@meson compile -C $(BUILD)

# The desktop app where there is a display; elsewhere the README's first-minute
# comparison in the terminal, the pretrained learned optimizer included.
run: build
	@if [ -n "$${DISPLAY}$${WAYLAND_DISPLAY}" ]; then \
	  GSETTINGS_SCHEMA_DIR=$(BUILD)/data $(WORKBENCH); \
	else \
	  echo "No display (DISPLAY and WAYLAND_DISPLAY are unset): running the terminal comparison instead."; \
	  $(L2L) compare --task quadratic --optimizers sgd,rmsprop,adam,nag,lstm:quadratic --tune; \
	fi

test: build
	@meson test -C $(BUILD) --print-errorlogs $(MESON_TEST_OPTS); rc=$$?; \
	  scripts/test-summary $(BUILD)/meson-logs/testlog.json; exit $$rc

bench: build
	@meson test -C $(BUILD) --benchmark --verbose

# The README's screenshots (docs/*.png): the app driven under Xvfb by docs/screenshots.c.
docs: build
	@meson compile -C $(BUILD) docs

# libFuzzer harnesses for every loader (clang, ASan, UBSan): each runs
# FUZZ_SECONDS; fuzz-ci runs each for FUZZ_RUNS inputs from the corpus.
fuzz-build:
	@scripts/install-deps scripts/debian-packages.txt scripts/debian-packages-fuzz.txt
	@test -f $(FUZZ_BUILD)/build.ninja || CC=clang meson setup $(FUZZ_BUILD) -Dfuzzing=true \
	  -Db_sanitize=address,undefined -Db_lundef=false
	@meson compile -C $(FUZZ_BUILD)

fuzz: fuzz-build
	@scripts/run-fuzz $(FUZZ_BUILD) -max_total_time=$(FUZZ_SECONDS)

fuzz-ci: fuzz-build
	@scripts/run-fuzz $(FUZZ_BUILD) -runs=$(FUZZ_RUNS)

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD)
