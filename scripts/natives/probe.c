/*
 * Loads a build of the native library and calls it through its UniFFI functions, as the bindings do:
 * the contract version, the checksums of the functions called, the API version, and the validation of
 * JSON bodies (the number of problems and the problems themselves: borrowed bytes in, a buffer out).
 * Prints one answer a line; scripts/natives/check.py compares the lines of a cross-built library (run
 * under qemu-user for another CPU) with those of the host build.
 *
 *     probe LIBRARY
 *
 * Exits 1 when the library cannot be loaded, a symbol is missing or a call reports an error.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct RustBuffer {
    uint64_t capacity;
    uint64_t len;
    uint8_t *data;
} RustBuffer;

typedef struct ForeignBytes {
    int32_t len;
    const uint8_t *data;
} ForeignBytes;

typedef struct RustCallStatus {
    int8_t code;
    RustBuffer error_buf;
} RustCallStatus;

typedef uint32_t (*u32_of_void)(void);
typedef uint16_t (*u16_of_void)(void);
typedef RustBuffer (*buffer_of_status)(RustCallStatus *);
typedef RustBuffer (*buffer_of_bytes)(ForeignBytes, RustCallStatus *);
typedef uint32_t (*u32_of_bytes)(ForeignBytes, RustCallStatus *);
typedef void (*free_buffer)(RustBuffer, RustCallStatus *);

static void *library;

static void *symbol(const char *name) {
    void *found = dlsym(library, name);
    if (found == NULL) {
        fprintf(stderr, "missing symbol %s\n", name);
        return NULL;
    }
    return found;
}

static int check(const char *what, const RustCallStatus *status) {
    if (status->code != 0) {
        fprintf(stderr, "%s: call status %d\n", what, status->code);
        return 1;
    }
    return 0;
}

static int release(RustBuffer buffer) {
    free_buffer free_it = (free_buffer)symbol("ffi_andopen_ffi_rustbuffer_free");
    if (free_it == NULL) return 1;
    RustCallStatus status = {0};
    free_it(buffer, &status);
    return check("rustbuffer_free", &status);
}

static int print_buffer(const char *label, RustBuffer buffer) {
    printf("%s %.*s\n", label, (int)buffer.len, (const char *)buffer.data);
    return release(buffer);
}

static const char *const BODIES[] = {
    "{}",
    "{\"campaign_id\":\"not-a-uuid\",\"recipient\":{\"first_name\":\"\"},\"line_items\":[{\"quantity\":0}]}",
    "{\"campaign_id\":\"3f1c2b7e-9d4a-4e8b-a6f0-2c5d8e1b7a93\",\"mode\":\"choice\","
    "\"recipient\":{\"first_name\":\"Alice\",\"last_name\":\"Smith\",\"email\":\"alice@example.com\"}}",
    "[1, 2",
};

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: probe LIBRARY\n");
        return 2;
    }
    library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        fprintf(stderr, "cannot load %s: %s\n", argv[1], dlerror());
        return 1;
    }

    u32_of_void contract = (u32_of_void)symbol("ffi_andopen_ffi_uniffi_contract_version");
    u16_of_void sum_version = (u16_of_void)symbol("uniffi_andopen_ffi_checksum_func_api_version");
    u16_of_void sum_problems = (u16_of_void)symbol("uniffi_andopen_ffi_checksum_func_gift_request_problems_json");
    u16_of_void sum_count = (u16_of_void)symbol("uniffi_andopen_ffi_checksum_func_gift_request_problem_count");
    buffer_of_status api_version = (buffer_of_status)symbol("uniffi_andopen_ffi_fn_func_api_version");
    buffer_of_bytes problems = (buffer_of_bytes)symbol("uniffi_andopen_ffi_fn_func_gift_request_problems_json");
    u32_of_bytes count = (u32_of_bytes)symbol("uniffi_andopen_ffi_fn_func_gift_request_problem_count");
    if (!contract || !sum_version || !sum_problems || !sum_count || !api_version || !problems || !count) return 1;

    printf("contract_version %u\n", contract());
    printf("checksum api_version %u\n", sum_version());
    printf("checksum gift_request_problems_json %u\n", sum_problems());
    printf("checksum gift_request_problem_count %u\n", sum_count());

    RustCallStatus status = {0};
    RustBuffer version = api_version(&status);
    if (check("api_version", &status) || print_buffer("api_version", version)) return 1;

    for (size_t i = 0; i < sizeof BODIES / sizeof BODIES[0]; i++) {
        /* A borrowed byte slice (`&[u8]`) crosses as ForeignBytes: the library reads it in place. */
        ForeignBytes body = {(int32_t)strlen(BODIES[i]), (const uint8_t *)BODIES[i]};
        uint32_t n = count(body, &status);
        if (check("gift_request_problem_count", &status)) return 1;
        RustBuffer report = problems(body, &status);
        if (check("gift_request_problems_json", &status)) return 1;
        printf("body %zu: %u problems\n", i, n);
        if (print_buffer("  problems", report)) return 1;
    }
    return 0;
}
