/*
 * gen_survey.c — synthetic survey data for the benchmarks, in the usual
 * layout: id, S1..S20 single answers (S_k has 2 + (k-1) % 19 codes, about
 * 2% blanks) and M1_1..M10_10 multiple answers as 0/1.  Writes
 * codebook.csv and data.csv into a directory.  Deterministic (xorshift).
 *   usage: gen_survey ROWS DIR
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state = 0x9E3779B97F4A7C15ull;

static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gen_survey ROWS DIR\n");
        return 2;
    }
    char *end;
    long long rows = strtoll(argv[1], &end, 10);
    if (*end || rows < 0)
        return 2;
    char path[4096];
    snprintf(path, sizeof path, "%s/codebook.csv", argv[2]);
    FILE *cb = fopen(path, "w");
    if (!cb)
        return 1;
    fprintf(cb, "qid,type,code,label\n");
    int ncodes[21];
    for (int k = 1; k <= 20; k++) {
        ncodes[k] = 2 + (k - 1) % 19;
        fprintf(cb, "S%d,SA,,設問S%d\n", k, k);
        for (int c = 1; c <= ncodes[k]; c++)
            fprintf(cb, "S%d,SA,%d,選択肢%d\n", k, c, c);
    }
    for (int k = 1; k <= 10; k++) {
        fprintf(cb, "M%d,MA,,複数回答M%d\n", k, k);
        for (int c = 1; c <= 10; c++)
            fprintf(cb, "M%d,MA,%d,項目%d\n", k, c, c);
    }
    fclose(cb);
    snprintf(path, sizeof path, "%s/data.csv", argv[2]);
    FILE *f = fopen(path, "w");
    if (!f)
        return 1;
    static char buf[1 << 20];
    setvbuf(f, buf, _IOFBF, sizeof buf);
    fputs("id", f);
    for (int k = 1; k <= 20; k++)
        fprintf(f, ",S%d", k);
    for (int k = 1; k <= 10; k++)
        for (int c = 1; c <= 10; c++)
            fprintf(f, ",M%d_%d", k, c);
    fputc('\n', f);
    char line[1024];
    for (long long r = 0; r < rows; r++) {
        int n = snprintf(line, sizeof line, "%lld", 1000000 + r);
        for (int k = 1; k <= 20; k++) {
            uint64_t x = next();
            line[n++] = ',';
            if (x % 50 == 0)
                continue; /* 2% blank */
            int v = 1 + (int)((x >> 8) % (uint64_t)ncodes[k]);
            if (v >= 10)
                line[n++] = (char)('0' + v / 10);
            line[n++] = (char)('0' + v % 10);
        }
        uint64_t bits = next(), bits2 = next();
        for (int i = 0; i < 100; i++) {
            int on = i < 64 ? (bits >> i) & 1 : (bits2 >> (i - 64)) & 1;
            /* about 30% chosen: AND with another draw for some */
            if (on && (i % 3 == 0))
                on = (int)((bits2 >> (i % 61)) & 1);
            line[n++] = ',';
            line[n++] = on ? '1' : '0';
        }
        line[n++] = '\n';
        fwrite(line, 1, (size_t)n, f);
    }
    return fclose(f) == 0 ? 0 : 1;
}
