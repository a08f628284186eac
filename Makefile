# SPDX-License-Identifier: Apache-2.0
# gatehouse — the only build file. See README.md for the targets.

CC       ?= cc
SANITIZE ?=
ifeq ($(SANITIZE),)
BUILD    ?= build
OPTFLAGS := -O2 -g -D_FORTIFY_SOURCE=3
else
BUILD    ?= build/san
OPTFLAGS := -O1 -g -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
endif

PKGS := libmicrohttpd jansson cjose sqlite3 openssl libsodium
# The SAML stack: the server loads it with dlopen on first SAML use (src/saml/deps.h),
# so only its headers are needed there; the test, fuzz and bench binaries link it too.
SAML_PKGS := lasso xmlsec1-openssl libxml-2.0 glib-2.0 gobject-2.0
# Loaded the same way: libcurl on the first outbound request (src/http/curl_dl.h),
# libpq on the first PostgreSQL connection (src/store/pg_dl.h).
DL_PKGS := libcurl libpq

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wold-style-definition -Wpointer-arith -Wwrite-strings -Wcast-qual -Wformat=2 -Wvla \
	-Wundef -Wimplicit-fallthrough -Wnull-dereference -fno-common -Werror
HARDEN := -fstack-protector-strong -fstack-clash-protection -fcf-protection -fPIE

CPPFLAGS += -D_DEFAULT_SOURCE -D_GNU_SOURCE -Isrc -I. -I$(BUILD)/gen
CFLAGS   += -std=c17 $(OPTFLAGS) $(WARN) $(HARDEN) -MMD -MP \
	$(shell pkg-config --cflags $(PKGS) $(DL_PKGS) $(SAML_PKGS) 2>/dev/null)
LDFLAGS  += -pie -Wl,-z,relro,-z,now,-z,noexecstack $(if $(SANITIZE),-fsanitize=$(SANITIZE))
# lasso_log: saml/saml.c replaces lasso's own; exported so the dlopened lasso finds it.
LDFLAGS  += -Wl,--export-dynamic-symbol=lasso_log
BIN_LDLIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lresolv -lpthread -lm
LDLIBS   += $(shell pkg-config --libs $(PKGS) $(DL_PKGS) $(SAML_PKGS) 2>/dev/null) -lresolv -lpthread -lm

ALL_SRC   := $(shell find src -name '*.c' | sort)
TEST_SRC  := $(filter %_test.c,$(ALL_SRC))
LIB_SRC   := $(filter-out %_test.c src/main.c,$(ALL_SRC))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
TEST_OBJ  := $(TEST_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/test/harness/test.o \
	$(BUILD)/obj/test/harness/fixture.o
GEN_ASSETS := $(BUILD)/gen/assets.c
ASSET_FILES := $(shell (find web src/store/migrations -type f 2>/dev/null; echo docs/openapi.json) | LC_ALL=C sort)
FUZZ_SRC  := $(wildcard fuzz/fuzz_*.c)
FUZZ_NAMES := $(FUZZ_SRC:fuzz/fuzz_%.c=%)

BIN  := $(BUILD)/bin/gatehouse
UNIT := $(BUILD)/test/unit

.PHONY: all run test check unit e2e fuzz fuzz-replay bench bench-saml lint fmt clean deps
all: $(BIN)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(GEN_ASSETS): tools/embed_assets.sh $(ASSET_FILES)
	@mkdir -p $(dir $@)
	sh tools/embed_assets.sh $@ $(ASSET_FILES)

$(BUILD)/obj/gen/assets.o: $(GEN_ASSETS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-overlength-strings -c -o $@ $<

$(BIN): $(LIB_OBJ) $(BUILD)/obj/src/main.o $(BUILD)/obj/gen/assets.o
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(BIN_LDLIBS)

$(UNIT): $(LIB_OBJ) $(TEST_OBJ) $(BUILD)/obj/gen/assets.o
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# TEST ONLY: finishes a sign-in on the server's database until SSO exists (test/op_hook/op_hook.c).
OP_HOOK := $(BUILD)/test/op-hook
$(OP_HOOK): test/op_hook/op_hook.c $(LIB_OBJ) $(BUILD)/obj/gen/assets.o
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.o,$^) $(LDLIBS)

# Fuzz targets built with gcc + standalone.c replay their corpus as regression tests.
$(BUILD)/fuzz/%: fuzz/fuzz_%.c fuzz/standalone.c fuzz/fuzz.h $(LIB_OBJ) $(BUILD)/obj/gen/assets.o
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.o,$^) $(LDLIBS)

deps:
	sh tools/install-deps.sh

run: deps
	$(MAKE) all
	$(BIN) serve

unit: $(UNIT)
	$(UNIT)

fuzz-replay: $(FUZZ_NAMES:%=$(BUILD)/fuzz/%)
	@for t in $(FUZZ_NAMES); do $(BUILD)/fuzz/$$t fuzz/corpus/$$t || exit 1; done

# libFuzzer builds (clang): make fuzz builds them all; make fuzz-run T=json S=60 runs one.
FUZZ_CFLAGS := -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -D_DEFAULT_SOURCE -D_GNU_SOURCE -Isrc -I. -I$(BUILD)/gen $(shell pkg-config --cflags $(PKGS) $(DL_PKGS) $(SAML_PKGS) 2>/dev/null)
fuzz:
	@mkdir -p build/libfuzzer
	@for t in $(FUZZ_NAMES); do \
		clang $(FUZZ_CFLAGS) -o build/libfuzzer/$$t fuzz/fuzz_$$t.c $(LIB_SRC) build/gen/assets.c $(LDLIBS) || exit 1; \
	done
# New inputs go to build/fuzz-new/T (the committed corpus stays curated); copy finds worth keeping.
fuzz-run: fuzz
	@mkdir -p build/fuzz-new/$(T)
	build/libfuzzer/$(T) -max_total_time=$(or $(S),60) build/fuzz-new/$(T) fuzz/corpus/$(T)

# Everything: sanitizer build, unit tests, fuzz-corpus replay, end-to-end on SQLite and PostgreSQL.
test:
	sh tools/install-deps.sh --test
	sh test/run-all.sh

check: unit fuzz-replay

bench: all $(BUILD)/bench/saml_sign
	/usr/bin/python3 bench/bench.py

# Micro-benchmark of the SAML ACS validation core (see bench/saml_response.c).
$(BUILD)/bench/saml_response: bench/saml_response.c $(LIB_OBJ) $(BUILD)/obj/gen/assets.o
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	@$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.o,$^) $(LDLIBS)

# Signs the SSO bench's SAML Responses before its timed run (see bench/saml_sign.c).
$(BUILD)/bench/saml_sign: bench/saml_sign.c
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	@$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

bench-saml: $(BUILD)/bench/saml_response
	$(BUILD)/bench/saml_response $(or $(N),3000) $(or $(THREADS),2)

lint:
	clang-tidy -quiet $(LIB_SRC) src/main.c -- -std=c17 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Isrc -I. -I$(BUILD)/gen \
		$(shell pkg-config --cflags $(PKGS) $(DL_PKGS) $(SAML_PKGS))
	sh tools/check-format.sh
	sh tools/check-layers.sh
	sh tools/check-banned.sh
	cppcheck --quiet --enable=warning,performance,portability --error-exitcode=1 \
		--suppress=missingIncludeSystem --suppress=unknownMacro -D__GNUC__ -DLIBCURL_VERSION_NUM=0x075801 -Isrc src

fmt:
	clang-format -i $(ALL_SRC) $(shell find src test/harness fuzz -name "*.[ch]")

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
