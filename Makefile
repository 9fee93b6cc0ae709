# Lendastack CRM. `make run` starts a demo; `make test` runs every suite.
# BUILD=release (default, optimised) or BUILD=sanitize (ASan + UBSan) picks the
# output folder build/$(BUILD); `make sanitize` is a shorthand for the latter.
# BUILD=fuzz compiles with clang for libFuzzer; `make fuzz` builds and runs the
# fuzz targets of tests/fuzz (see tests/fuzz/README.md).

BUILD ?= release
OUT := build/$(BUILD)

CC ?= cc
CXX ?= c++
WARN := -Wall -Wextra -Werror -Wformat=2 -Wno-format-nonliteral
PKGS := libpq hiredis jansson inih libargon2 libutf8proc fcgi icu-uc
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LIBS := $(PKG_LIBS) -lmbedcrypto -lcsv -lphonenumber -lprotobuf -lz -lstdc++ -lm
TEST_LIBS := -lcriterion -lcurl -lyaml

ifeq ($(BUILD),sanitize)
OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined \
	-DARENA_POISON
else ifeq ($(BUILD),fuzz)
# Objects get coverage instrumentation; only the fuzz targets link libFuzzer itself.
CC := clang
CXX := clang++
OPT := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined -DARENA_POISON
FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined
else
OPT := -O2 -g
endif

CPPFLAGS += -D_GNU_SOURCE -Iapp/src -I. $(PKG_CFLAGS) -MMD -MP
CFLAGS += -std=gnu11 $(WARN) $(OPT)
CXXFLAGS += -std=gnu++17 $(WARN) $(OPT)
LDFLAGS += $(filter -fsanitize=%,$(OPT))

LIB_C := $(filter-out app/src/server/main.c,$(shell find app/src -name '*.c' | sort))
LIB_CXX := $(shell find app/src -name '*.cc' | sort)
LIB_OBJ := $(LIB_C:%.c=$(OUT)/obj/%.o) $(LIB_CXX:%.cc=$(OUT)/obj/%.o)
TENANT_C := $(shell find tenants -name '*.c' | sort)
TENANT_LIB_OBJ := $(patsubst %.c,$(OUT)/obj/%.o,$(filter-out tenants/main.c,$(TENANT_C)))
UNIT_C := $(shell find tests/unit -name '*.c' | sort)
SUPPORT_C := $(shell find tests/support -name '*.c' | sort)
INTEGRATION_C := $(shell find tests/integration -name '*.c' | sort) $(SUPPORT_C)
FAULT_C := $(shell find tests/faults -name '*.c' | sort) $(SUPPORT_C)
FUZZ_C := $(shell find tests/fuzz -maxdepth 1 -name '*.c' | sort)

SERVER := $(OUT)/lendastack-server
TENANT_TOOL := $(OUT)/lendastack-tenant
UNIT_TESTS := $(OUT)/unit-tests
INTEGRATION_TESTS := $(OUT)/integration-tests
FAULT_TESTS := $(OUT)/fault-tests
FUZZ_TARGETS := $(FUZZ_C:tests/fuzz/%.c=$(OUT)/fuzz/%)
MULTIHOST_LOAD := $(OUT)/multihost-load

.PHONY: all sanitize run test unit-test clean fuzz fuzz-targets bench deps
.DEFAULT_GOAL := all

all: $(SERVER) $(TENANT_TOOL) $(UNIT_TESTS) $(INTEGRATION_TESTS) $(FAULT_TESTS) $(MULTIHOST_LOAD)

sanitize:
	$(MAKE) BUILD=sanitize all

$(OUT)/libapp.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	@ar rcs $@ $^

$(SERVER): $(OUT)/obj/app/src/server/main.o $(OUT)/libapp.a
	@echo "  LINK  $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(TENANT_TOOL): $(TENANT_C:%.c=$(OUT)/obj/%.o) $(OUT)/libapp.a
	@echo "  LINK  $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(UNIT_TESTS): $(UNIT_C:%.c=$(OUT)/obj/%.o) $(TENANT_LIB_OBJ) $(OUT)/libapp.a
	@echo "  LINK  $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(TEST_LIBS)

$(INTEGRATION_TESTS): $(INTEGRATION_C:%.c=$(OUT)/obj/%.o) $(OUT)/libapp.a
	@echo "  LINK  $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(TEST_LIBS)

$(FAULT_TESTS): $(FAULT_C:%.c=$(OUT)/obj/%.o) $(OUT)/libapp.a
	@echo "  LINK  $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(TEST_LIBS)

# One libFuzzer program per file in tests/fuzz, named after the file. Its object
# is kept, or make would delete it as an intermediate file and rebuild it each time.
.SECONDARY: $(FUZZ_C:%.c=$(OUT)/obj/%.o)
$(OUT)/fuzz/%: $(OUT)/obj/tests/fuzz/%.o $(TENANT_LIB_OBJ) $(OUT)/libapp.a
	@mkdir -p $(@D)
	@echo "  LINK  $@"
	@$(CXX) $(FUZZ_LDFLAGS) -o $@ $^ $(LIBS)

$(MULTIHOST_LOAD): $(OUT)/obj/tests/multihost/load.o
	@echo "  LINK  $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) -lcurl

$(OUT)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC    $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(OUT)/obj/%.o: %.cc
	@mkdir -p $(@D)
	@echo "  CXX   $<"
	@$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c -o $@ $<

deps:
	@scripts/install-deps

# Installs what is missing, builds, starts the private stack and a demo tenant.
run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run-demo

# Every suite: unit tests in both builds, then the integration, fault and browser
# suites against a private stack running the sanitizer build of the server.
test: deps
	@scripts/install-deps browser
	@$(MAKE) --no-print-directory BUILD=release all
	@$(MAKE) --no-print-directory BUILD=sanitize all
	@tests/run

unit-test: all
	$(UNIT_TESTS)

# Builds and runs every fuzz target for FUZZ_SECONDS each (tests/fuzz/run).
fuzz:
	@tests/fuzz/run

# The fuzz targets are always built in build/fuzz, whatever BUILD says.
ifeq ($(BUILD),fuzz)
fuzz-targets: $(FUZZ_TARGETS)
else
fuzz-targets:
	@$(MAKE) --no-print-directory BUILD=fuzz fuzz-targets
endif

bench: deps
	@$(MAKE) --no-print-directory BUILD=release all
	@scripts/bench

clean:
	rm -rf build tests/out

-include $(shell find build -name '*.d' 2>/dev/null)
