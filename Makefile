# hoshi — GNU make build.
#
#   make            build build/hoshi (optimised) and build/libhoshi.a
#   make run        install missing Debian packages, build, run the main job
#   make check      install missing Debian packages, build with ASan+UBSan, run every test
#   make deps       only the package step (apt-get when root, else print the command)
#   make bench      the benchmarks in bench/
#   make install    PREFIX=/usr/local
#
# Sources are found by wildcard: a new file in src/lib/ is part of the
# library without touching this file.

CC      ?= cc
PREFIX  ?= /usr/local
DATADIR ?= $(CURDIR)/data
BUILD   := build

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wno-format-nonliteral -Wvla
CPPFLAGS_ALL := -Iinclude -Isrc/lib -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
                -DHOSHI_DATADIR='"$(DATADIR)"' $(CPPFLAGS)
CFLAGS_ALL   := -std=c11 $(WARN) -g $(CFLAGS)
OPT     := -O2
SAN     := -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# Debian packages the build and the tests need (installed by `make deps`),
# and the libraries linked, one line per subsystem.
DEB_PACKAGES := gcc make libc6-dev python3
# Japanese fonts, so pages and charts render in browser screenshots and PDFs
DEB_PACKAGES += fonts-noto-cjk
LIBS    := -lm
# survey tabulation (hoshi tab): workbooks; differential tests against pandas
DEB_PACKAGES += libxlsxwriter-dev python3-pandas
LIBS    += -lxlsxwriter
# web application (hoshi serve)
DEB_PACKAGES += libmicrohttpd-dev libsqlite3-dev libsodium-dev libqrencode-dev chromium nodejs
LIBS    += -lmicrohttpd -lsqlite3 -lsodium -lqrencode -lpthread
# password rules of sign-up: libpwquality with the cracklib dictionary
DEB_PACKAGES += libpwquality-dev cracklib-runtime
LIBS    += -lpwquality

LIB_SRC := $(sort $(wildcard src/lib/*.c src/lib/*/*.c))
CLI_SRC := $(sort $(wildcard src/cli/*.c src/server/*.c))
UNIT_SRC:= $(sort $(wildcard tests/unit/test_*.c))

LIB_OBJ     := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ     := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
SAN_LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/san/obj/%.o)
SAN_CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/san/obj/%.o)
UNIT_BIN    := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/san/tests/%)

.PHONY: all run check deps test bench install clean san

all: $(BUILD)/hoshi

# `make V=1` shows the full compiler command lines.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @echo "  $(1)	$(2)"
endif

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(OPT) -MMD -MP -c $< -o $@

$(BUILD)/san/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC san,$<)
	$(Q)$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(SAN) -MMD -MP -c $< -o $@

$(BUILD)/libhoshi.a: $(LIB_OBJ)
	@rm -f $@
	$(call say,AR,$@)
	$(Q)ar rcs $@ $^

$(BUILD)/san/libhoshi.a: $(SAN_LIB_OBJ)
	@rm -f $@
	$(call say,AR,$@)
	$(Q)ar rcs $@ $^

$(BUILD)/hoshi: $(CLI_OBJ) $(BUILD)/libhoshi.a
	$(call say,LINK,$@)
	$(Q)$(CC) $(CFLAGS_ALL) $(OPT) $^ $(LIBS) $(LDFLAGS) -o $@

$(BUILD)/san/hoshi: $(SAN_CLI_OBJ) $(BUILD)/san/libhoshi.a
	$(call say,LINK,$@)
	$(Q)$(CC) $(CFLAGS_ALL) $(SAN) $^ $(LIBS) $(LDFLAGS) -o $@

$(BUILD)/san/tests/%: tests/unit/%.c $(BUILD)/san/libhoshi.a tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(call say,TEST,$@)
	$(Q)$(CC) $(CPPFLAGS_ALL) -Itests/unit $(CFLAGS_ALL) $(SAN) $< $(BUILD)/san/libhoshi.a $(LIBS) $(LDFLAGS) -o $@

san: $(BUILD)/san/hoshi $(UNIT_BIN)

deps:
	@tools/install-deps.sh $(DEB_PACKAGES)

# The main job: the web application with demo data (Ctrl-C stops it).
run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p var
	@echo "hoshi web application: open http://127.0.0.1:8080/ in a browser (Ctrl-C stops the server)"
	@$(BUILD)/hoshi serve --listen 127.0.0.1:8080 --db var/hoshi.db --demo

test: san $(BUILD)/hoshi
	@python3 tests/run.py --hoshi $(BUILD)/san/hoshi --release $(BUILD)/hoshi --unit $(BUILD)/san/tests

check: deps web-npm
	@$(MAKE) --no-print-directory test

# hoshi tab against pandas and DuckDB at 1M and 10M respondents (bench/RESULTS.md);
# needs ~3 GB of disk in bench/data (BENCH_DIR) and npm for @duckdb/node-api.
bench: deps all
	@LIBS="$(LIBS)" bench/run.sh $(BENCH_ROWS)

# A system install: the binary is built again to read its data from
# $(PREFIX)/share/hoshi, where data/ is copied.
install:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/install DATADIR=$(PREFIX)/share/hoshi $(BUILD)/install/hoshi
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/hoshi
	install -m 755 $(BUILD)/install/hoshi $(DESTDIR)$(PREFIX)/bin/hoshi
	install -m 644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	cp -R data/. $(DESTDIR)$(PREFIX)/share/hoshi/

clean:
	rm -rf $(BUILD)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(SAN_LIB_OBJ:.o=.d) $(SAN_CLI_OBJ:.o=.d)

# --- web
# playwright-core for the browser tests (tests/e2e), pinned in package.json.
# npm comes with nodejs from some sources and as its own Debian package in
# bookworm; once node_modules satisfies package.json nothing is fetched,
# so this works offline after the first time.
.PHONY: web-npm bench-web e2e
web-npm:
	@command -v npm >/dev/null 2>&1 || tools/install-deps.sh npm
	@npm ls playwright-core >/dev/null 2>&1 || npm install --no-audit --no-fund --loglevel=error

# The browser journey alone, screenshots in build/e2e/.
e2e: deps web-npm san
	@HOSHI=$(BUILD)/san/hoshi bash tests/suites/web_e2e.sh

# wrk against hoshi serve with 100,000 demo declarations (bench/RESULTS.md).
bench-web: all
	@tools/install-deps.sh wrk
	@bench/web/run.sh

# --- tabulation (hoshi tab): fuzzing and benchmark helpers
# `make fuzz` builds the libFuzzer target of the survey CSV/codebook readers
# with clang and runs it for FUZZ_SECONDS (not part of make check).
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
.PHONY: fuzz
# only the core library and the tabulation engine: the target needs no more
FUZZ_SRC := $(sort $(wildcard src/lib/*.c src/lib/tab/*.c))
$(BUILD)/fuzz/fuzz_csv: tests/fuzz/fuzz_csv.c $(FUZZ_SRC)
	@mkdir -p $(dir $@) $(BUILD)/fuzz/corpus
	clang $(CPPFLAGS_ALL) $(FUZZ_FLAGS) tests/fuzz/fuzz_csv.c $(FUZZ_SRC) $(LIBS) -o $@

fuzz: $(BUILD)/fuzz/fuzz_csv
	$(BUILD)/fuzz/fuzz_csv -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	    $(BUILD)/fuzz/corpus tests/fuzz/corpus_csv
