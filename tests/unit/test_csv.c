/*
 * test_csv.c — reading an uploaded CSV text record by record (hoshi/csv.h,
 * issue 13 part 5): UTF-8 with and without a byte-order mark, CP932, the
 * line each record starts on (a quoted field over two lines included),
 * empty lines as one empty field, and the refusals: bytes that are neither
 * encoding, a NUL byte, a quote left open, a callback's error ending it.
 */
#include "hoshi/csv.h"
#include "unit.h"

#include <string.h>

typedef struct seen {
    char text[512];
    size_t len;
    int calls;
} seen;

/* Writes "line:field|field;" per record. */
static hoshi_err note(void *ctx, size_t line, const char *const *f, size_t n)
{
    seen *s = ctx;
    s->len += (size_t)snprintf(s->text + s->len, sizeof s->text - s->len, "%zu:", line);
    for (size_t i = 0; i < n; i++)
        s->len += (size_t)snprintf(s->text + s->len, sizeof s->text - s->len, "%s%s", i ? "|" : "", f[i]);
    s->len += (size_t)snprintf(s->text + s->len, sizeof s->text - s->len, ";");
    return ++s->calls == 3 && strcmp(f[0], "stop") == 0 ? hoshi_error_set(HOSHI_ERR_INPUT, "stopped%s", "") : HOSHI_OK;
}

static const char *read_all(const char *raw, size_t len, hoshi_err want)
{
    static seen s;
    memset(&s, 0, sizeof s);
    CHECK_INT(hoshi_csv_each("t.csv", raw, len, HOSHI_ENC_AUTO, note, &s), want);
    return s.text;
}

static void records_and_lines(void)
{
    const char utf8[] = "\xEF\xBB\xBF番号,名前\r\n7000012050002,\"星野, 商店\"\r\n\r\n1,\"二行\n目\"\n2,x\n";
    CHECK_STR(read_all(utf8, sizeof utf8 - 1, HOSHI_OK),
              "1:番号|名前;2:7000012050002|星野, 商店;3:;4:1|二行\n目;6:2|x;");
    /* 星野 in CP932 */
    const char sjis[] = "1,\x90\xAF\x96\xEC\n";
    CHECK_STR(read_all(sjis, sizeof sjis - 1, HOSHI_OK), "1:1|星野;");
}

static void refusals(void)
{
    const char nul[] = "1,a\n2,b\0c\n";
    read_all(nul, sizeof nul - 1, HOSHI_ERR_INPUT);
    CHECK(strstr(hoshi_error_detail(), "t.csv:2") != NULL);
    const char open_quote[] = "1,a\n2,\"b\n";
    CHECK_STR(read_all(open_quote, sizeof open_quote - 1, HOSHI_ERR_INPUT), "1:1|a;");
    CHECK(strstr(hoshi_error_detail(), "t.csv") != NULL);
    const char after_quote[] = "1,\"a\"b\n";
    read_all(after_quote, sizeof after_quote - 1, HOSHI_ERR_INPUT);
    const char neither[] = "1,\x81\x39\xFF\n";  /* not UTF-8, not CP932 */
    read_all(neither, sizeof neither - 1, HOSHI_ERR_INPUT);
    const char stop[] = "a\nb\nstop\nd\n";
    CHECK_STR(read_all(stop, sizeof stop - 1, HOSHI_ERR_INPUT), "1:a;2:b;3:stop;");
    CHECK_STR(read_all("", 0, HOSHI_OK), "");
}

int main(void)
{
    RUN(records_and_lines);
    RUN(refusals);
    return UNIT_RESULT();
}
