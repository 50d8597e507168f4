# hoshi — GNU make build.
#
#   make            build build/hoshi (optimised) and build/libhoshi.a
#   make run        install missing Debian packages, build, run the main job
#   make check      install missing Debian packages, build with ASan+UBSan, run every test
#   make deps       only the package step (apt-get when root, else print the command)
#   make bench      the benchmarks in bench/
#   make install    PREFIX=/usr/local (DESTDIR too): command, man pages, data,
#                   headers, libhoshi.a and hoshi.pc
#
# Sources are found by wildcard: a new file or a new folder of src/lib/
# is part of the library without touching this file.  The headers of
# src/lib/core/ are seen by every part of the library (-Isrc/lib/core);
# other folders' headers are named with their folder ("tab/tab.h").

CC      ?= cc
PREFIX  ?= /usr/local
DATADIR ?= $(CURDIR)/data
BUILD   := build

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wno-format-nonliteral -Wvla
CPPFLAGS_ALL = -Iinclude -Isrc/lib -Isrc/lib/core -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
               -DHOSHI_DATADIR='"$(DATADIR)"' $(PQ_CFLAGS) $(CPPFLAGS)
CFLAGS_ALL   := -std=c11 $(WARN) -g $(CFLAGS)
OPT     := -O2
SAN     := -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# Debian packages the build and the tests need (installed by `make deps`),
# and the libraries linked, one line per subsystem.
DEB_PACKAGES := gcc make libc6-dev python3
# pkg-config: the install test builds a program against the installed hoshi.pc
# (--static: libxlsxwriter's zlib needs its -dev package for -lz)
DEB_PACKAGES += pkgconf zlib1g-dev
# Japanese fonts, so pages and charts render in browser screenshots and PDFs
DEB_PACKAGES += fonts-noto-cjk
LIBS    := -lm
# typed text: Unicode normalisation (NFC) and character properties
DEB_PACKAGES += libicu-dev
LIBS    += -licuuc
# survey tabulation (hoshi tab): workbooks; differential tests against pandas
DEB_PACKAGES += libxlsxwriter-dev python3-pandas
# the table-book benchmark's peer: pandas writing a workbook (bench/book_pandas.py)
DEB_PACKAGES += python3-xlsxwriter
LIBS    += -lxlsxwriter
# analyst tables: SPSS .sav files (ReadStat); differential tests against R
# (weights and raking with survey, statistics with base R, .sav with haven)
DEB_PACKAGES += libreadstat-dev r-base-core r-cran-survey r-cran-haven
LIBS    += -lreadstat
# web application (hoshi serve)
DEB_PACKAGES += libmicrohttpd-dev libsqlite3-dev libsodium-dev libqrencode-dev chromium nodejs
LIBS    += -lmicrohttpd -lsqlite3 -lsodium -lqrencode -lpthread
# e-mail from hoshi serve (issue 11 part 4): SMTP through libcurl; the
# tests deliver to a real SMTP server (aiosmtpd)
DEB_PACKAGES += libcurl4-openssl-dev python3-aiosmtpd
LIBS    += -lcurl
# password rules of sign-up: libpwquality with the cracklib dictionary
DEB_PACKAGES += libpwquality-dev cracklib-runtime
LIBS    += -lpwquality
# questionnaire definitions (XLSForm) from .xlsx: libzip and expat
DEB_PACKAGES += libzip-dev libexpat1-dev
# libzip's static link (pkg-config --static hoshi, tests/suites/install.sh) names -lbz2
DEB_PACKAGES += libbz2-dev
# the sqlite3 shell: tests look into the database a command left behind, and back it up (backup_restore.sh)
DEB_PACKAGES += sqlite3
# nginx in front of hoshi serve, as docs/deploy.md sets it up (tests/suites/deploy_proxy.sh)
DEB_PACKAGES += nginx
LIBS    += -lzip -lexpat
# the PostgreSQL store (issue 12): libpq, and the server the tests start
# themselves (initdb and pg_ctl in a temporary directory, tests/pg/pgtmp.py);
# its client programs (pg_dump, pg_restore, createdb, psql) back up and
# restore a registry in tests/suites/backup_restore_pg.sh, run by `make check`
# with every tests/suites/*.sh
DEB_PACKAGES += postgresql libpq-dev
PQ_CFLAGS := $(or $(shell pkg-config --cflags libpq 2>/dev/null),-I/usr/include/postgresql)
LIBS    += $(or $(shell pkg-config --libs libpq 2>/dev/null),-lpq)

# The library is one folder per subsystem (docs/internals.md).
LIB_SRC := $(sort $(wildcard src/lib/*/*.c))
CLI_SRC := $(sort $(wildcard src/cli/*.c src/server/*.c))
# Unit programs that need a PostgreSQL server are run by the suite that
# starts one (tests/suites/pg_*.sh), not bare by tests/run.py.
PG_UNIT := test_pg_driver test_pg_stream
UNIT_SRC:= $(filter-out $(PG_UNIT:%=tests/unit/%.c),$(sort $(wildcard tests/unit/test_*.c)))

LIB_OBJ     := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ     := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
SAN_LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/san/obj/%.o)
SAN_CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/san/obj/%.o)
UNIT_BIN    := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/san/tests/%)
PG_UNIT_BIN := $(PG_UNIT:%=$(BUILD)/san/pgtests/%)

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

# Every unit test links pgtest.c: a PostgreSQL database of its own when
# HOSHI_TEST_PG names a server (tests/unit/pgtest.h).
UNIT_PG := $(BUILD)/san/obj/tests/unit/pgtest.o

$(UNIT_BIN): $(UNIT_PG)
$(BUILD)/san/tests/%: tests/unit/%.c $(BUILD)/san/libhoshi.a tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(call say,TEST,$@)
	$(Q)$(CC) $(CPPFLAGS_ALL) -Itests/unit $(CFLAGS_ALL) $(SAN) $< $(UNIT_PG) $(BUILD)/san/libhoshi.a $(LIBS) $(LDFLAGS) -o $@

# tests/suites/pg_schema.sh applies the PostgreSQL schema with it
$(BUILD)/san/pg_migrate: tests/pg/pg_migrate.c src/lib/store/pg_schema.c src/lib/store/pg_schema.h
	$(call say,LINK,$@)
	$(Q)$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(SAN) tests/pg/pg_migrate.c src/lib/store/pg_schema.c $(LIBS) $(LDFLAGS) -o $@

$(BUILD)/san/pgtests/%: tests/unit/%.c $(BUILD)/san/libhoshi.a tests/unit/unit.h tests/unit/pgschema.h
	@mkdir -p $(dir $@)
	$(call say,TEST,$@)
	$(Q)$(CC) $(CPPFLAGS_ALL) -Itests/unit $(CFLAGS_ALL) $(SAN) $< $(BUILD)/san/libhoshi.a $(LIBS) $(LDFLAGS) -o $@

san: $(BUILD)/san/hoshi $(UNIT_BIN) $(BUILD)/san/pg_migrate $(PG_UNIT_BIN)

deps:
	@tools/install-deps.sh $(DEB_PACKAGES)

# The main job: the web application with demo data (Ctrl-C stops it).
run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p var/mail
	@echo "hoshi web application: open http://127.0.0.1:8080/ in a browser (Ctrl-C stops the server)"
	@echo "e-mail is not sent: each message is written to var/mail/ as an .eml file"
	@$(BUILD)/hoshi serve --listen 127.0.0.1:8080 --db var/hoshi.db --demo --mail-dir var/mail

test: san $(BUILD)/hoshi
	@python3 tests/run.py --hoshi $(BUILD)/san/hoshi --release $(BUILD)/hoshi --unit $(BUILD)/san/tests

check: deps web-npm
	@$(MAKE) --no-print-directory test

# hoshi tab against pandas and DuckDB at 1M and 10M respondents (bench/RESULTS.md);
# needs ~3 GB of disk in bench/data (BENCH_DIR) and npm for @duckdb/node-api.
bench: deps all
	@LIBS="$(LIBS)" bench/run.sh $(BENCH_ROWS)

# A system install: the binary and the library are built again to read
# their data from $(PREFIX)/share/hoshi, where data/ is copied (in a build
# directory of their own per PREFIX, as the path is compiled in).  Besides
# the command and its man pages: the public headers, libhoshi.a and
# hoshi.pc for pkg-config.  DESTDIR stages the whole tree for packaging.
VERSION     := $(shell sed -n 's/^\#define HOSHI_VERSION "\(.*\)"/\1/p' include/hoshi/hoshi.h)
INSTALL_BUILD = $(BUILD)/install$(abspath $(PREFIX))
install:
	@$(MAKE) --no-print-directory BUILD=$(INSTALL_BUILD) DATADIR=$(PREFIX)/share/hoshi \
	    $(INSTALL_BUILD)/hoshi $(INSTALL_BUILD)/libhoshi.a
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' hoshi.pc.in > $(INSTALL_BUILD)/hoshi.pc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/hoshi \
	    $(DESTDIR)$(PREFIX)/include/hoshi $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 $(INSTALL_BUILD)/hoshi $(DESTDIR)$(PREFIX)/bin/hoshi
	install -m 644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	cp -R data/. $(DESTDIR)$(PREFIX)/share/hoshi/
	install -m 644 include/hoshi/*.h $(DESTDIR)$(PREFIX)/include/hoshi/
	install -m 644 $(INSTALL_BUILD)/libhoshi.a $(DESTDIR)$(PREFIX)/lib/libhoshi.a
	install -m 644 $(INSTALL_BUILD)/hoshi.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/hoshi.pc

clean:
	rm -rf $(BUILD)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(SAN_LIB_OBJ:.o=.d) $(SAN_CLI_OBJ:.o=.d) $(UNIT_PG:.o=.d)

# --- web
# playwright-core for the browser tests (tests/e2e), pinned in package.json.
# npm comes with nodejs from some sources and as its own Debian package in
# bookworm; once node_modules satisfies package.json nothing is fetched,
# so this works offline after the first time.
.PHONY: web-npm bench-web bench-survey bench-book e2e
web-npm:
	@command -v npm >/dev/null 2>&1 || tools/install-deps.sh npm
	@# npm ls exits 0 when a listed package is missing, so look for the packages themselves
	@test -f node_modules/playwright-core/package.json && test -f node_modules/@axe-core/playwright/package.json \
	  || npm install --no-audit --no-fund --loglevel=error

# The browser journey alone, screenshots in build/e2e/.
e2e: deps web-npm san
	@HOSHI=$(BUILD)/san/hoshi bash tests/suites/web_e2e.sh

# wrk against hoshi serve with 100,000 demo declarations (bench/RESULTS.md).
bench-web: all
	@tools/install-deps.sh wrk
	@bench/web/run.sh

# 200 respondents submitting complete survey responses at once (issue 9;
# bench/RESULTS.md, "Survey submission").
bench-survey: all
	@python3 bench/survey_submit.py --hoshi $(BUILD)/hoshi

# a book of 200 tables on 1,000,000 respondents to xlsx, hoshi and pandas
# in the same run (bench/RESULTS.md, "Table books").
bench-book: all
	@HOSHI=$(BUILD)/hoshi bench/book_bench.sh 1000000

# --- fuzzing and ThreadSanitizer (issue 7, finding 13)
# libFuzzer targets (tests/fuzz/fuzz_*.c) built with clang, ASan and UBSan
# into build/fuzz/.  `make check` builds them and tests/suites/fuzz.sh runs
# each for FUZZ_SECONDS (10) from its committed seed corpus with a fixed
# seed; `make fuzz` runs them longer (FUZZ_SECONDS, default 60) with random
# seeds, keeping what they learn in build/fuzz/corpus_<target>/.
DEB_PACKAGES += clang libclang-rt-14-dev
FUZZ_CC      ?= clang
FUZZ_TARGETS := csv codebook hsd options answers ini form xlsform book coding sav sign namekey
FUZZ_SAN     := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# Library code is compiled with gcc's -Werror elsewhere; clang's own
# warnings about it must not break the fuzz build.
FUZZ_CFLAGS  := -std=c11 $(filter-out -Werror,$(WARN)) $(FUZZ_SAN) -fsanitize=fuzzer-no-link
# The library without the store: no target needs it.
FUZZ_LIB_SRC := $(filter-out src/lib/store/%,$(LIB_SRC))
FUZZ_LIB_OBJ := $(FUZZ_LIB_SRC:%.c=$(BUILD)/fuzz/obj/%.o)
FUZZ_BIN     := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)
.PHONY: fuzz fuzz-build

$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC fuzz,$<)
	$(Q)$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/fuzz/libhoshi.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	$(call say,AR,$@)
	$(Q)ar rcs $@ $^

# fuzz_form also links the server's form parser, as it is, from an archive
# with the server files it may call (the linker takes only what it needs).
FUZZ_SERVER_OBJ := $(BUILD)/fuzz/obj/src/server/form.o $(BUILD)/fuzz/obj/src/server/log.o
$(BUILD)/fuzz/server.a: $(FUZZ_SERVER_OBJ)
	@rm -f $@
	$(call say,AR,$@)
	$(Q)ar rcs $@ $^

$(BUILD)/fuzz/fuzz_form: $(BUILD)/fuzz/server.a
$(BUILD)/fuzz/fuzz_options $(BUILD)/san/tests/test_tab $(BUILD)/san/tests/test_tab_text $(BUILD)/tsan/tests/test_tab: src/cli/tab_options.c src/cli/tab_options.h
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fixture.h $(BUILD)/fuzz/libhoshi.a
	$(call say,FUZZ,$@)
	$(Q)$(FUZZ_CC) $(CPPFLAGS_ALL) -Isrc/server -std=c11 $(WARN) $(FUZZ_SAN) -fsanitize=fuzzer \
	    $< $(filter %/server.a,$^) $(BUILD)/fuzz/libhoshi.a $(LIBS) $(LDFLAGS) -o $@

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	@FUZZ_SECONDS=$(or $(FUZZ_SECONDS),60) FUZZ_SEED=0 FUZZ_KEEP=1 bash tests/suites/fuzz.sh $(FUZZ_ONLY)

# ThreadSanitizer: the library and the CLI in build/tsan/, and the unit
# programs that drive the engine's threads; tests/suites/tsan.sh runs
# banners, .hsd caches and the web server under it.  TSan and ASan do not
# combine, hence a build of its own.  Built with clang: gcc instruments the
# loader-time resolvers of the target_clones in src/lib/tab/bits.c, which
# then crash before the TSan runtime starts.
TSAN_CC   ?= clang
TSAN      := -O1 -g -fsanitize=thread -fno-omit-frame-pointer
TSAN_CFLAGS := -std=c11 $(filter-out -Werror,$(WARN)) $(CFLAGS)
TSAN_UNIT := test_tab test_tab_hsd
TSAN_LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/tsan/obj/%.o)
TSAN_CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/tsan/obj/%.o)
.PHONY: tsan

$(BUILD)/tsan/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC tsan,$<)
	$(Q)$(TSAN_CC) $(CPPFLAGS_ALL) $(TSAN_CFLAGS) $(TSAN) -MMD -MP -c $< -o $@

$(BUILD)/tsan/libhoshi.a: $(TSAN_LIB_OBJ)
	@rm -f $@
	$(call say,AR,$@)
	$(Q)ar rcs $@ $^

$(BUILD)/tsan/hoshi: $(TSAN_CLI_OBJ) $(BUILD)/tsan/libhoshi.a
	$(call say,LINK,$@)
	$(Q)$(TSAN_CC) $(TSAN_CFLAGS) $(TSAN) $^ $(LIBS) $(LDFLAGS) -o $@

$(BUILD)/tsan/tests/%: tests/unit/%.c $(BUILD)/tsan/libhoshi.a tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(call say,TEST,$@)
	$(Q)$(TSAN_CC) $(CPPFLAGS_ALL) -Itests/unit $(TSAN_CFLAGS) $(TSAN) $< $(BUILD)/tsan/libhoshi.a $(LIBS) $(LDFLAGS) -o $@

tsan: $(BUILD)/tsan/hoshi $(TSAN_UNIT:%=$(BUILD)/tsan/tests/%)

# `make check` (through `test`) builds both; the suites run them.
test: fuzz-build tsan

-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_SERVER_OBJ:.o=.d) $(TSAN_LIB_OBJ:.o=.d) $(TSAN_CLI_OBJ:.o=.d)
