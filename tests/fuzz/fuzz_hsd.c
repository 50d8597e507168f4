/*
 * fuzz_hsd.c — libFuzzer target for the .hsd cache reader
 * (src/lib/tab/hsd.c).  Input: a mode byte, then the bytes of a .hsd
 * file, written to a temporary file and opened the way `hoshi tab --data
 * x.hsd` does (the reader memory-maps a path).
 *
 * Checksums guard every part of the file, so random changes would stop at
 * the first one.  When bit 0 of the mode byte is set the target first
 * writes correct checksums into the bytes (with the library's own
 * checksum; the self-check at start-up keeps the layout copied here
 * honest), so mutations reach the
 * directory checks, the codebook inside and the per-column value checks.
 * Bits 1-4 are the render options of fx_tabulate.
 *
 * What opens is tabulated; then it is saved (which verifies every column)
 * and, if that succeeds, the copy must open again and give the same tables.
 */
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "fixture.h"
#include "tab/tab_int.h"

/* ---- the layout of src/lib/tab/hsd.c; its checksum is the library's own ---- */

#define HSD_HEADER 72u
#define HSD_ENTRY 48u

static uint64_t rotl(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

static uint64_t rd64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void wr64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++, v >>= 8)
        p[i] = (unsigned char)v;
}

static int inside(uint64_t off, uint64_t len, size_t size)
{
    return off <= size && len <= size - off;
}

/* Writes the checksum of every part of f[0..size) that lies inside it:
 * each column's, then the header's (which covers the directory). */
static void fix_checksums(unsigned char *f, size_t size)
{
    if (size < HSD_HEADER)
        return;
    uint64_t nc = rd64(f + 24), cb_off = rd64(f + 32), cb_len = rd64(f + 40), dir_off = rd64(f + 48);
    if (nc > size / HSD_ENTRY || !inside(dir_off, nc * HSD_ENTRY, size) || !inside(cb_off, cb_len, size))
        return;
    const uint64_t zero = 0;
    for (uint64_t i = 0; i < nc; i++) {
        unsigned char *e = f + dir_off + i * HSD_ENTRY;
        uint64_t a_off = rd64(e + 8), a_len = rd64(e + 16), b_off = rd64(e + 24), b_len = rd64(e + 32);
        if (!inside(a_off, a_len, size) || (b_len && !inside(b_off, b_len, size)))
            continue;
        uint64_t sum = hi_hsd_checksum(a_len ? f + a_off : (const void *)&zero, a_len, 1);
        sum ^= rotl(hi_hsd_checksum(b_len ? f + b_off : (const void *)&zero, b_len, 2), 17);
        wr64(e + 40, sum);
    }
    wr64(f + 64, hi_hsd_checksum(f, 64, 3) ^ rotl(hi_hsd_checksum(f + cb_off, cb_len, 4), 13) ^
                     rotl(hi_hsd_checksum(f + dir_off, nc * HSD_ENTRY, 5), 29));
}

/* ---- the target ---- */

static char in_path[4096], out_path[4096];

static int write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    int ok = fwrite(p, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static char *read_back(const char *path, size_t *n)
{
    char *s = NULL;
    if (hoshi_file_read(path, (size_t)64 << 20, &s, n) != HOSHI_OK) {
        fprintf(stderr, "fuzz_hsd: cannot read %s: %s\n", path, hoshi_error_detail());
        abort();
    }
    return s;
}

/* Checks that fix_checksums still writes what hsd.c expects (the layout
 * copied above): a file the library wrote, its checksums zeroed and fixed
 * up, is the same file. */
static void self_check(void)
{
    hoshi_dataset *ds = fx_dataset();
    if (hoshi_dataset_save(ds, out_path) != HOSHI_OK) {
        fprintf(stderr, "fuzz_hsd: cannot save the fixture: %s\n", hoshi_error_detail());
        abort();
    }
    hoshi_dataset_free(ds);
    size_t n = 0;
    char *good = read_back(out_path, &n);
    unsigned char *f = malloc(n);
    if (f == NULL)
        abort();
    memcpy(f, good, n);
    uint64_t nc = rd64(f + 24), dir_off = rd64(f + 48);
    memset(f + 64, 0, 8);
    for (uint64_t i = 0; i < nc; i++)
        memset(f + dir_off + i * HSD_ENTRY + 40, 0, 8);
    fix_checksums(f, n);
    if (memcmp(f, good, n) != 0) {
        fprintf(stderr, "fuzz_hsd: the layout copied from src/lib/tab/hsd.c is out of date; "
                        "copy it again\n");
        abort();
    }
    free(f);
    free(good);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char dir[4000];
    fx_scratch_dir("fuzz_hsd", dir, sizeof dir);
    snprintf(in_path, sizeof in_path, "%s/in.hsd", dir);
    snprintf(out_path, sizeof out_path, "%s/out.hsd", dir);
    self_check();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned char *f = malloc(size);
    if (f == NULL)
        return 0;
    memcpy(f, data + 1, size - 1);
    if (data[0] & 1)
        fix_checksums(f, size - 1);
    int wrote = write_file(in_path, f, size - 1);
    free(f);
    if (wrote != 0)
        abort(); /* the scratch directory is gone: nothing below would mean anything */
    hoshi_dataset *ds = NULL;
    if (hoshi_dataset_open(NULL, in_path, HOSHI_ENC_AUTO, &ds) != HOSHI_OK)
        return 0;
    static const char *const all[] = {"ALL"};
    hoshi_tab_spec simple = {NULL, all, 1, NULL, 0, NULL, 0, NULL, 0, NULL, 0, true, 2, NULL, 0, NULL, 0, NULL};
    hoshi_tab_spec cross = {"S", all, 1, NULL, 0, NULL, 0, NULL, 0, NULL, 0, false, 2, NULL, 0, NULL, 0, NULL};
    fx_tabulate(ds, &simple, (unsigned)data[0] >> 1);
    fx_tabulate(ds, &cross, (unsigned)data[0] >> 1);
    if (hoshi_dataset_save(ds, out_path) == HOSHI_OK) {
        /* every column verified and written: the copy must read back alike */
        hoshi_dataset *copy = NULL;
        if (hoshi_dataset_open(NULL, out_path, HOSHI_ENC_AUTO, &copy) != HOSHI_OK) {
            fprintf(stderr, "fuzz_hsd: a saved cache does not open: %s\n", hoshi_error_detail());
            abort();
        }
        char *a = fx_tables(ds), *b = fx_tables(copy);
        if ((a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0)) {
            fprintf(stderr, "fuzz_hsd: the saved cache gives other tables\n");
            abort();
        }
        free(a);
        free(b);
        hoshi_dataset_free(copy);
    }
    hoshi_dataset_free(ds);
    return 0;
}
