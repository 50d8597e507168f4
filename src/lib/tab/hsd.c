/*
 * hsd.c — the .hsd binary cache of a survey: the codebook text and every
 * column of the store, laid out so that `hoshi tab` can memory-map the
 * file and count straight from it.
 *
 * Layout (little-endian, every section 8-byte aligned):
 *   header   64 bytes: magic "\x89HSD\r\n\x1a\n", u32 version, u32 header size,
 *            u64 rows, u64 columns, u64 codebook offset, u64 codebook length,
 *            u64 directory offset, u64 file length; then u64 checksum of the
 *            header's first 64-8 bytes, the codebook and the directory
 *   codebook the codebook as UTF-8 CSV (parsed again on open)
 *   directory one 48-byte entry per column: u32 type, u32 0, u64 offset and
 *            length of part A, of part B, u64 checksum of both parts
 *   columns  SA: A = one byte per row; MA: A = bitset; NUM: A = doubles,
 *            B = presence bitset; FA: A = n+1 u64 offsets, B = text
 *   ids      the respondents' ids as one more FA column after those of the
 *            codebook (absent from caches written before ids were kept)
 *
 * Opening checks the magic, version, sizes, the metadata checksum, and that
 * every offset and length lies inside the file and matches the codebook,
 * before anything is dereferenced.  A column's own checksum and value
 * ranges are checked the first time a table uses it, so a table reads
 * only the columns it needs.  (A file truncated by another process while
 * mapped would still fault; the cache is not meant to be shared that way.)
 */
#include "tab/tab_int.h"
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define HSD_MAGIC "\x89HSD\r\n\x1a\n"
#define HSD_VERSION 1u
#define HSD_HEADER 72u
#define HSD_ENTRY 48u

static uint64_t rotl(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

/* A Fletcher-style 64-bit checksum over 8-byte words in four lanes (two
 * additions per word, so checking a column costs less than reading it),
 * finished with a multiply-xorshift mix.  Any single changed word changes
 * the sums; it detects damage, it is not a cryptographic hash. */
uint64_t hi_hsd_checksum(const void *data, size_t len, uint64_t seed)
{
    const unsigned char *p = data;
    const uint64_t P1 = 0x9E3779B185EBCA87ull, P2 = 0xC2B2AE3D27D4EB4Full;
    uint64_t a[4] = {seed, seed + P1, seed + P2, seed ^ P1}, b[4] = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 32 <= len; i += 32) {
        for (int k = 0; k < 4; k++) {
            uint64_t w;
            memcpy(&w, p + i + 8 * k, 8);
            a[k] += w;
            b[k] += a[k];
        }
    }
    uint64_t last = 0;
    memcpy(&last, p + i, len - i < 8 ? len - i : 8);
    uint64_t rest = 0;
    for (size_t j = i + 8; j < len; j++)
        rest = rotl(rest, 8) ^ p[j];
    uint64_t acc = len * P1;
    for (int k = 0; k < 4; k++)
        acc = rotl(acc ^ (a[k] * P1), 27) * P2 ^ (b[k] * P2);
    acc ^= (last + rest * P1) * P2;
    acc ^= acc >> 33;
    acc *= P2;
    acc ^= acc >> 29;
    return acc;
}

static uint64_t rd64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++, v >>= 8)
        p[i] = (unsigned char)v;
}

static void wr32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++, v >>= 8)
        p[i] = (unsigned char)v;
}

static bool little_endian(void)
{
    uint16_t x = 1;
    unsigned char c;
    memcpy(&c, &x, 1);
    return c == 1;
}

bool hi_hsd_sniff(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    char m[8];
    bool yes = read(fd, m, 8) == 8 && memcmp(m, HSD_MAGIC, 8) == 0;
    close(fd);
    return yes;
}

/* ---- writing ---- */

typedef struct part {
    const void *p;
    size_t len;
} part;

static void col_parts(const hoshi_dataset *ds, const hi_column *c, part *a, part *b,
                      const uint64_t *zeros)
{
    size_t n = ds->n_rows, wb = hi_words(n) * 8;
    b->p = NULL;
    b->len = 0;
    switch (c->type) {
    case HI_COL_SA: a->p = c->sa; a->len = n; break;
    case HI_COL_BIT: a->p = c->bits; a->len = wb; break;
    case HI_COL_NUM:
        a->p = c->num;
        a->len = n * 8;
        b->p = c->bits;
        b->len = wb;
        break;
    case HI_COL_FA:
        a->p = c->fa_off ? (const void *)c->fa_off : (const void *)zeros;
        a->len = (n + 1) * 8;
        b->p = c->fa_text;
        b->len = c->fa_off ? c->fa_off[n] : 0;
        break;
    }
}

static size_t pad8(size_t x)
{
    return (x + 7) & ~(size_t)7;
}

static bool put(FILE *f, const void *p, size_t n, size_t *off)
{
    static const unsigned char zeros[8];
    if (n > 0 && fwrite(p, 1, n, f) != n)
        return false;
    size_t pad = pad8(n) - n;
    if (pad && fwrite(zeros, 1, pad, f) != pad)
        return false;
    *off += pad8(n);
    return true;
}

hoshi_err hoshi_dataset_save(const hoshi_dataset *ds, const char *path)
{
    hi_clear_error();
    if (!little_endian())
        return hi_fail(HOSHI_ERR_INTERNAL, ".hsd files are written on little-endian machines only");
    size_t n_q = ds->n_col, n = ds->n_rows;
    size_t nc = n_q + (ds->id.fa_off != NULL); /* the ids last */
    const uint64_t zero = 0;
    if (nc > HI_TAB_MAX_COLUMNS)
        return hi_fail(HOSHI_ERR_INTERNAL, "too many columns");
    for (size_t i = 0; i <= n_q; i++) {
        hoshi_err err = i == n_q ? hi_hsd_verify_ids(ds)
                        : ds->mapped ? hi_hsd_verify_column(ds, i) : HOSHI_OK;
        if (err != HOSHI_OK)
            return err;
    }
    /* a free-text column with no text at all has no offsets: it is written
     * as n + 1 zero offsets */
    uint64_t *zeros = hi_calloc(n + 1, sizeof *zeros);
    unsigned char *dir = hi_calloc(nc ? nc : 1, HSD_ENTRY);
    if (dir == NULL || zeros == NULL) {
        free(zeros);
        free(dir);
        return hi_fail(HOSHI_ERR_NOMEM, "out of memory writing %s", path);
    }
    char *tmp = NULL;
    int fd = -1;
    hoshi_err err = hi_file_create_temp(path, &tmp, &fd);
    if (err != HOSHI_OK)
        goto free_dir;
    FILE *f = fdopen(fd, "wb");
    if (f == NULL) {
        err = hi_fail(errno == ENOMEM ? HOSHI_ERR_NOMEM : HOSHI_ERR_IO, "cannot write %s: %s",
                      path, strerror(errno));
        close(fd);
        unlink(tmp);
        goto free_dir;
    }
    size_t cb_off = HSD_HEADER, cb_len = ds->cb->text_len;
    size_t dir_off = cb_off + pad8(cb_len);
    size_t off = dir_off + pad8(nc * HSD_ENTRY);
    /* directory first (offsets are known in advance) */
    for (size_t i = 0; i < nc; i++) {
        part a, b;
        col_parts(ds, i < n_q ? &ds->col[i] : &ds->id, &a, &b, zeros);
        unsigned char *e = dir + i * HSD_ENTRY;
        wr32(e, (uint32_t)(i < n_q ? ds->col[i].type : HI_COL_FA));
        wr64(e + 8, off);
        wr64(e + 16, a.len);
        off += pad8(a.len);
        wr64(e + 24, b.len ? off : 0);
        wr64(e + 32, b.len);
        off += pad8(b.len);
        uint64_t sum = hi_hsd_checksum(a.p ? a.p : (const void *)&zero, a.len, 1);
        sum ^= rotl(hi_hsd_checksum(b.p ? b.p : (const void *)&zero, b.len, 2), 17);
        wr64(e + 40, sum);
    }
    unsigned char hdr[HSD_HEADER] = {0};
    memcpy(hdr, HSD_MAGIC, 8);
    wr32(hdr + 8, HSD_VERSION);
    wr32(hdr + 12, HSD_HEADER);
    wr64(hdr + 16, n);
    wr64(hdr + 24, nc);
    wr64(hdr + 32, cb_off);
    wr64(hdr + 40, cb_len);
    wr64(hdr + 48, dir_off);
    wr64(hdr + 56, off);
    uint64_t meta = hi_hsd_checksum(hdr, 64, 3) ^ rotl(hi_hsd_checksum(ds->cb->text, cb_len, 4), 13) ^
                    rotl(hi_hsd_checksum(dir, nc * HSD_ENTRY, 5), 29);
    wr64(hdr + 64, meta);
    size_t pos = 0;
    bool ok = put(f, hdr, HSD_HEADER, &pos) && put(f, ds->cb->text, cb_len, &pos) &&
              put(f, dir, nc * HSD_ENTRY, &pos);
    for (size_t i = 0; ok && i < nc; i++) {
        part a, b;
        col_parts(ds, i < n_q ? &ds->col[i] : &ds->id, &a, &b, zeros);
        ok = put(f, a.p, a.len, &pos) && put(f, b.p, b.len, &pos);
    }
    if (fflush(f) != 0)
        ok = false;
    if (fclose(f) != 0)
        ok = false;
    if (ok && pos != off)
        ok = false;
    if (!ok)
        err = hi_fail(HOSHI_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    err = hi_file_commit(tmp, path, err);
free_dir:
    free(tmp);
    free(dir);
    free(zeros);
    return err;
}

/* ---- reading ---- */

static hoshi_err damaged(const char *path, const char *why)
{
    return hi_fail(HOSHI_ERR_INPUT, "%s: damaged or not a hoshi cache: %s", path, why);
}

/* The directory entry of column i, as parsed. */
typedef struct entry {
    uint32_t type;
    uint64_t a_off, a_len, b_off, b_len, sum;
} entry;

static entry get_entry(const hoshi_dataset *ds, size_t i)
{
    const unsigned char *dir = (const unsigned char *)ds->map + rd64((const unsigned char *)ds->map + 48);
    const unsigned char *e = dir + i * HSD_ENTRY;
    entry x = {rd32(e), rd64(e + 8), rd64(e + 16), rd64(e + 24), rd64(e + 32), rd64(e + 40)};
    return x;
}

bool hi_hsd_column_verified(const hoshi_dataset *ds, size_t i)
{
    return !ds->mapped || atomic_load_explicit(&ds->verified[i], memory_order_acquire) != 0;
}

/* The checksum and value ranges of column c, directory entry i. */
static hoshi_err check_column(const hoshi_dataset *ds, const hi_column *c, size_t i)
{
    entry e = get_entry(ds, i);
    const unsigned char *base = ds->map;
    const uint64_t zero = 0;
    uint64_t sum = hi_hsd_checksum(e.a_len ? base + e.a_off : (const void *)&zero, e.a_len, 1);
    sum ^= rotl(hi_hsd_checksum(e.b_len ? base + e.b_off : (const void *)&zero, e.b_len, 2), 17);
    if (sum != e.sum)
        return hi_fail(HOSHI_ERR_INPUT, "%s: damaged cache: checksum of column %s does not match",
                       ds->source, c->name);
    size_t n = ds->n_rows;
    switch (c->type) {
    case HI_COL_SA: {
        uint8_t m = hi_max_byte(c->sa, n);
        if (m > ds->cb->q[c->q].n_codes)
            return hi_fail(HOSHI_ERR_INPUT, "%s: damaged cache: column %s holds code index %u",
                           ds->source, c->name, m);
        break;
    }
    case HI_COL_NUM:
        for (size_t r = 0; r < n; r++)
            if (!isfinite(c->num[r]))
                return hi_fail(HOSHI_ERR_INPUT, "%s: damaged cache: column %s holds a non-finite number",
                               ds->source, c->name);
        /* fall through */
    case HI_COL_BIT:
        if (n % 64 && (c->bits[n / 64] >> (n % 64)) != 0)
            return hi_fail(HOSHI_ERR_INPUT, "%s: damaged cache: column %s has bits past the last row",
                           ds->source, c->name);
        break;
    case HI_COL_FA:
        if (c->fa_off[0] != 0 || c->fa_off[n] != e.b_len)
            return hi_fail(HOSHI_ERR_INPUT, "%s: damaged cache: text offsets of %s", ds->source, c->name);
        for (size_t r = 0; r < n; r++)
            if (c->fa_off[r + 1] < c->fa_off[r])
                return hi_fail(HOSHI_ERR_INPUT, "%s: damaged cache: text offsets of %s", ds->source, c->name);
        break;
    }
    return HOSHI_OK;
}

hoshi_err hi_hsd_verify_column(const hoshi_dataset *ds, size_t i)
{
    if (hi_hsd_column_verified(ds, i))
        return HOSHI_OK;
    hoshi_err err = check_column(ds, &ds->col[i], i);
    if (err != HOSHI_OK)
        return err;
    atomic_store_explicit(&ds->verified[i], 1, memory_order_release);
    return HOSHI_OK;
}

hoshi_err hi_hsd_verify_ids(const hoshi_dataset *ds)
{
    if (!ds->mapped || ds->id.fa_off == NULL ||
        atomic_load_explicit(&ds->id_verified, memory_order_acquire) != 0)
        return HOSHI_OK;
    hoshi_err err = check_column(ds, &ds->id, ds->id_entry);
    if (err == HOSHI_OK)
        atomic_store_explicit((atomic_uchar *)&ds->id_verified, 1, memory_order_release);
    return err;
}

static bool in_file(uint64_t off, uint64_t len, size_t size)
{
    return off % 8 == 0 && off <= size && len <= size - off;
}

hoshi_err hi_hsd_open(const char *path, const char *codebook_text, size_t codebook_len,
                      hoshi_dataset **out)
{
    if (!little_endian())
        return hi_fail(HOSHI_ERR_INTERNAL, ".hsd files are read on little-endian machines only");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return hi_fail(HOSHI_ERR_IO, "%s: %s", path, strerror(errno));
    struct stat st;
    hoshi_err err = HOSHI_OK;
    void *map = MAP_FAILED;
    hi_codebook *cb = NULL;
    hoshi_dataset *ds = NULL;
    if (fstat(fd, &st) != 0) {
        err = hi_fail(HOSHI_ERR_IO, "%s: %s", path, strerror(errno));
        goto close_fd;
    }
    size_t size = (size_t)st.st_size;
    if (size < HSD_HEADER) {
        err = damaged(path, "shorter than its header");
        goto close_fd;
    }
    map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
        err = hi_fail(HOSHI_ERR_IO, "%s: cannot map: %s", path, strerror(errno));
        goto close_fd;
    }
    const unsigned char *h = map;
    if (memcmp(h, HSD_MAGIC, 8) != 0) {
        err = damaged(path, "bad magic");
        goto unmap;
    }
    if (rd32(h + 8) != HSD_VERSION) {
        err = hi_fail(HOSHI_ERR_INPUT, "%s: cache format version %u; this hoshi reads version %u (run hoshi import again)",
                      path, rd32(h + 8), HSD_VERSION);
        goto unmap;
    }
    uint64_t n = rd64(h + 16), nc = rd64(h + 24), cb_off = rd64(h + 32), cb_len = rd64(h + 40);
    uint64_t dir_off = rd64(h + 48), flen = rd64(h + 56);
    if (rd32(h + 12) != HSD_HEADER || flen != size) {
        err = damaged(path, flen < size ? "longer than recorded" : "truncated");
        goto unmap;
    }
    if (n > HI_TAB_MAX_ROWS || nc > HI_TAB_MAX_COLUMNS || !in_file(cb_off, cb_len, size) ||
        !in_file(dir_off, nc * HSD_ENTRY, size) || cb_len > HI_TAB_MAX_CODEBOOK) {
        err = damaged(path, "header sizes out of range");
        goto unmap;
    }
    uint64_t meta = hi_hsd_checksum(h, 64, 3) ^ rotl(hi_hsd_checksum(h + cb_off, cb_len, 4), 13) ^
                    rotl(hi_hsd_checksum(h + dir_off, nc * HSD_ENTRY, 5), 29);
    if (meta != rd64(h + 64)) {
        err = damaged(path, "header checksum does not match");
        goto unmap;
    }
    if (codebook_text != NULL &&
        (codebook_len != cb_len || memcmp(codebook_text, h + cb_off, cb_len) != 0)) {
        err = hi_fail(HOSHI_ERR_INPUT, "%s was imported with a different codebook (omit --codebook to use its own)",
                      path);
        goto unmap;
    }
    if ((err = hi_codebook_parse(path, (const char *)h + cb_off, cb_len, &cb)) != HOSHI_OK)
        goto unmap;
    if ((err = hi_dataset_alloc(cb, &ds)) != HOSHI_OK)
        goto unmap; /* cb is still ours */
    cb = NULL;
    ds->mapped = true;
    ds->map = map;
    ds->map_len = size;
    map = MAP_FAILED;
    ds->n_rows = n;
    ds->verified = hi_calloc(nc ? nc : 1, sizeof *ds->verified);
    ds->source = hi_strdup(path);
    if (ds->verified == NULL || ds->source == NULL) {
        err = hi_fail(HOSHI_ERR_NOMEM, "out of memory");
        goto free_ds;
    }
    if (nc != ds->n_col && nc != ds->n_col + 1) { /* + 1: the ids */
        err = damaged(path, "column count differs from its codebook");
        goto free_ds;
    }
    size_t wb = hi_words(n) * 8;
    for (size_t i = 0; i < nc; i++) {
        hi_column *c = i < ds->n_col ? &ds->col[i] : &ds->id;
        entry e = get_entry(ds, i);
        uint64_t want_a = c->type == HI_COL_SA ? n : c->type == HI_COL_BIT ? wb
                          : c->type == HI_COL_NUM ? n * 8 : (n + 1) * 8;
        uint64_t want_b = c->type == HI_COL_NUM ? wb : e.b_len;
        if (e.type != (uint32_t)c->type || e.a_len != want_a || e.b_len != want_b ||
            !in_file(e.a_off, e.a_len, size) || (e.b_len && !in_file(e.b_off, e.b_len, size))) {
            char why[160];
            snprintf(why, sizeof why, "directory entry of column %.100s out of range", c->name);
            err = damaged(path, why);
            goto free_ds;
        }
        unsigned char *A = (unsigned char *)ds->map + e.a_off;
        /* An empty second part may carry any offset: it is not added to
         * the map's address, which could point far outside it. */
        unsigned char *B = (unsigned char *)ds->map + (e.b_len ? e.b_off : 0);
        switch (c->type) {
        case HI_COL_SA: c->sa = A; break;
        case HI_COL_BIT: c->bits = (uint64_t *)(void *)A; break;
        case HI_COL_NUM:
            c->num = (double *)(void *)A;
            c->bits = (uint64_t *)(void *)B;
            break;
        case HI_COL_FA:
            c->fa_off = (uint64_t *)(void *)A;
            c->fa_text = (char *)B;
            c->fa_len = e.b_len;
            break;
        }
    }
    ds->id_entry = ds->n_col; /* the ids are checked when first read */
    madvise(ds->map, size, MADV_WILLNEED);
    *out = ds;
    close(fd);
    return HOSHI_OK;

free_ds:
    hoshi_dataset_free(ds);
unmap:
    if (map != MAP_FAILED)
        munmap(map, size);
    hi_codebook_free(cb);
close_fd:
    close(fd);
    return err;
}
