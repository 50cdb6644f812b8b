# dnsim build.  `make` builds the tools into bin/; `make test` builds a
# sanitizer variant and runs every test; `make deps` installs what the
# build and the tests need (Debian/Ubuntu, apt-get), `make deps-peers` the
# other DNS programs that nodes may run instead of ours.

CC       ?= cc
CLANG    ?= clang
PYTHON   ?= /usr/bin/python3
WARN     := -std=c11 -Wall -Wextra -Werror -D_DEFAULT_SOURCE -D_GNU_SOURCE
INCLUDES := -Icore
REL_CFLAGS  := $(WARN) $(INCLUDES) -O2 -g
ASAN_CFLAGS := $(WARN) $(INCLUDES) -O1 -g -fno-omit-frame-pointer \
               -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := $(WARN) $(INCLUDES) -O1 -g -fno-omit-frame-pointer \
               -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

DNS_SRC   := $(wildcard core/dns/*.c)
DNSSEC_SRC := $(wildcard core/dnssec/*.c)
IO_SRC    := $(wildcard core/io/*.c)
TOOL_SRC  := $(wildcard core/tools/*.c)
# Daemons: each folder core/NAME/ with a main.c builds bin/dnsim-NAME.
# Every component's files but main.c also go into a library that the
# daemons and the unit tests link against.
PROGS     := $(patsubst core/%/main.c,%,$(wildcard core/*/main.c))
PROG_SRC  := $(filter-out $(DNS_SRC) $(DNSSEC_SRC) $(IO_SRC) $(TOOL_SRC) core/%/main.c,$(wildcard core/*/*.c))
UNIT_SRC  := $(wildcard tests/unit/*/test_*.c)
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
BENCH_SRC := $(wildcard tests/bench/bench_*.c)
HEADERS   := $(wildcard core/*/*.h) $(wildcard tests/unit/*.h) $(wildcard tests/unit/*/*.h)

LIB_SRC   := $(DNS_SRC) $(DNSSEC_SRC) $(IO_SRC)
REL_OBJ   := $(patsubst %.c,build/rel/%.o,$(LIB_SRC))
ASAN_OBJ  := $(patsubst %.c,build/asan/%.o,$(LIB_SRC))
FUZZ_OBJ  := $(patsubst %.c,build/fuzz/%.o,$(LIB_SRC))
FUZZ_PROG_OBJ := $(patsubst %.c,build/fuzz/%.o,$(PROG_SRC))

TOOL_BINS      := $(patsubst core/tools/%.c,bin/%,$(TOOL_SRC))
ASAN_TOOL_BINS := $(patsubst core/tools/%.c,build/asan/bin/%,$(TOOL_SRC))
PROG_BINS      := $(patsubst %,bin/dnsim-%,$(PROGS))
ASAN_PROG_BINS := $(patsubst %,build/asan/bin/dnsim-%,$(PROGS))
TOOLS      := $(TOOL_BINS) $(PROG_BINS)
ASAN_TOOLS := $(ASAN_TOOL_BINS) $(ASAN_PROG_BINS)
REL_PROG_OBJ  := $(patsubst %.c,build/rel/%.o,$(PROG_SRC))
ASAN_PROG_OBJ := $(patsubst %.c,build/asan/%.o,$(PROG_SRC))
UNIT_BINS  := $(patsubst tests/unit/%.c,build/asan/tests/%,$(UNIT_SRC))
FUZZ_BINS  := $(patsubst tests/fuzz/%.c,build/fuzz/bin/%,$(FUZZ_SRC))
BENCH_BINS := $(patsubst tests/bench/%.c,build/rel/bench/%,$(BENCH_SRC))

# Seconds each fuzz harness runs under `make fuzz` (CI smoke: FUZZ_TIME=20).
FUZZ_TIME ?= 600

.PHONY: all test unit e2e deps deps-peers fuzz fuzz-build bench clean asan
all: $(TOOLS) sim

build/rel/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) -c $< -o $@

build/asan/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -c $< -o $@

build/fuzz/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@

build/rel/libdnsim.a: $(REL_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/asan/libdnsim.a: $(ASAN_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/rel/libprogs.a: $(REL_PROG_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/asan/libprogs.a: $(ASAN_PROG_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The supervisor speaks netlink through libmnl; DNSSEC's arithmetic is
# libcrypto's.
LDLIBS    := -lmnl -lcrypto
REL_LIBS  := build/rel/libprogs.a build/rel/libdnsim.a
ASAN_LIBS := build/asan/libprogs.a build/asan/libdnsim.a

$(TOOL_BINS): bin/%: core/tools/%.c $(REL_LIBS) $(HEADERS)
	@mkdir -p bin
	$(CC) $(REL_CFLAGS) $< $(REL_LIBS) $(LDLIBS) -o $@

$(ASAN_TOOL_BINS): build/asan/bin/%: core/tools/%.c $(ASAN_LIBS) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) $< $(ASAN_LIBS) $(LDLIBS) -o $@

$(PROG_BINS): bin/dnsim-%: build/rel/core/%/main.o $(REL_LIBS)
	@mkdir -p bin
	$(CC) $(REL_CFLAGS) $^ $(PROG_LDFLAGS) $(LDLIBS) -o $@

# The daemons every node runs, thousands at once in a big sim: libcrypto
# linked in and no PIE, so that nothing is relocated at start.  Linked
# to the shared libcrypto, each process spent its start resolving
# libcrypto's symbols and kept ~400 kB of relocated pages of its own;
# this way those pages are the binary's, shared by all.  (When the
# machine has no libcrypto.a, the shared one as before.)
STATIC_CRYPTO := $(shell $(CC) -print-file-name=libcrypto.a)
ifneq ($(STATIC_CRYPTO),libcrypto.a)
bin/dnsim-auth bin/dnsim-resolver bin/dnsim-stub: PROG_LDFLAGS := -no-pie
bin/dnsim-auth bin/dnsim-resolver bin/dnsim-stub: LDLIBS := -lmnl $(STATIC_CRYPTO)
endif

$(ASAN_PROG_BINS): build/asan/bin/dnsim-%: build/asan/core/%/main.o $(ASAN_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) $^ $(LDLIBS) -o $@

# `sim web` serves its page with GNU libmicrohttpd: the supervisor alone
# links it.
bin/dnsim-sim build/asan/bin/dnsim-sim: LDLIBS += -lmicrohttpd

# The supervisor users type, at the top of the tree; it finds the
# daemons in bin/ beside it.
sim: bin/dnsim-sim
	cp $< $@.tmp && mv -f $@.tmp $@

build/asan/tests/%: tests/unit/%.c $(ASAN_LIBS) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -Itests/unit $< $(ASAN_LIBS) $(LDLIBS) -o $@

build/fuzz/libdnsim.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/fuzz/libprogs.a: $(FUZZ_PROG_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/fuzz/bin/%: tests/fuzz/%.c build/fuzz/libprogs.a build/fuzz/libdnsim.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) $< build/fuzz/libprogs.a build/fuzz/libdnsim.a $(LDLIBS) -o $@

build/rel/bench/%: tests/bench/%.c build/rel/libdnsim.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) $< build/rel/libdnsim.a -lcrypto -o $@

asan: $(ASAN_TOOLS) $(UNIT_BINS)

# Unit tests and end-to-end tests against the sanitizer build, then one
# summary line.
test: asan
	@DNSIM_BINDIR=$(CURDIR)/build/asan/bin PYTHON=$(PYTHON) \
		sh tests/run.sh $(UNIT_BINS)

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_TIME) $(FUZZ_BINS)

BENCH_SCRIPTS := $(wildcard tests/bench/bench_*.sh)

bench: $(BENCH_BINS) $(TOOLS)
	@mkdir -p build; export BENCH_REPORT=$(CURDIR)/build/bench-report.tsv; : > "$$BENCH_REPORT"; rc=0; \
	for b in $(BENCH_BINS) $(BENCH_SCRIPTS); do \
		case $$b in *.sh) bash $$b;; *) $$b;; esac || { rc=1; echo "$$b failed"; \
		n=$${b##*/bench_}; printf '%s\t(the whole bench)\tfailed\t-\t-\t-\t-\n' "$${n%.sh}" >> "$$BENCH_REPORT"; }; \
	done; /usr/bin/python3 tests/bench/report.py "$$BENCH_REPORT" build/bench-report.txt && exit $$rc

deps:
	@sh tests/deps.sh

# NSD, Knot, BIND, PowerDNS (bind backend), Unbound, Knot Resolver and the
# PowerDNS Recursor, for nodes that run them (`software = "..."`).
deps-peers:
	@sh tests/deps.sh peers

clean:
	rm -rf build bin sim
