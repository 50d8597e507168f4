/*
 * test_text.c — the rule for typed text (hoshi/text.h): NFC, each class of
 * refused character with where it was found, limits counted in characters
 * of the normalised text, and hoshi_text_check / hoshi_text_is_clean
 * agreeing with hoshi_text_normalize.
 */
#include "hoshi/hoshi.h"
#include "hoshi/testing.h"
#include "hoshi/text.h"
#include "unit.h"

#include <stdlib.h>

/* Normalises s; returns the fault and fills *out_pos with its position. */
static hoshi_text_fault fault_of(const char *s, size_t max, unsigned flags, size_t *pos)
{
    hoshi_text_problem why;
    char *out = NULL;
    hoshi_err err = hoshi_text_normalize(s, max, flags, &out, &why);
    if ((err == HOSHI_OK) != (why.fault == HOSHI_TEXT_OK) || (err == HOSHI_OK) != (out != NULL)) {
        printf("  inconsistent result for \"%s\": err %d fault %d\n", s, (int)err, (int)why.fault);
        unit_case_failed = 1;
    }
    if (err != HOSHI_OK && err != HOSHI_ERR_INPUT) {
        printf("  unexpected error %d: %s\n", (int)err, hoshi_error_detail());
        unit_case_failed = 1;
    }
    free(out);
    if (pos != NULL)
        *pos = why.position;
    return why.fault;
}

/* The normalised text of s (caller frees), or NULL when refused. */
static char *nfc(const char *s, size_t max, unsigned flags)
{
    char *out = NULL;
    return hoshi_text_normalize(s, max, flags, &out, NULL) == HOSHI_OK ? out : NULL;
}

static void nfd_becomes_nfc(void)
{
    /* が typed as か + U+3099 (combining voiced mark): one character. */
    char *out = nfc("\xE3\x81\x8B\xE3\x82\x99", 1, HOSHI_TEXT_REQUIRED);
    CHECK_STR(out, "\xE3\x81\x8C");
    free(out);
    /* ガ as カ + U+3099, é as e + U+0301, among other text */
    out = nfc("\xE3\x82\xAB\xE3\x82\x99ス cafe\xCC\x81", 100, 0);
    CHECK_STR(out, "\xE3\x82\xAC\xE3\x82\xB9 caf\xC3\xA9");
    free(out);
    /* Hangul jamo compose; CJK compatibility ideographs become their
     * unified form (that is what NFC does) */
    out = nfc("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB", 1, 0); /* 한 */
    CHECK_STR(out, "\xED\x95\x9C");
    free(out);
    /* the limit counts characters after composing: 3 typed, 2 stored */
    CHECK_INT(fault_of("\xE3\x81\x8B\xE3\x82\x99" "a", 2, 0, NULL), HOSHI_TEXT_OK);
    /* NFC text is kept as it is; half-width and full-width forms stay (NFC, not NFKC) */
    out = nfc("ｶﾞ ＡＢＣ 星野商店", 100, 0);
    CHECK_STR(out, "ｶﾞ ＡＢＣ 星野商店");
    free(out);
}

static void controls(void)
{
    size_t pos = 0;
    CHECK_INT(fault_of("ab\x01", 10, 0, &pos), HOSHI_TEXT_CONTROL);
    CHECK_INT(pos, 3);
    CHECK_INT(fault_of("a\x7f", 10, 0, &pos), HOSHI_TEXT_CONTROL);
    CHECK_INT(fault_of("\xC2\x85", 10, 0, &pos), HOSHI_TEXT_CONTROL); /* U+0085 NEL, C1 */
    CHECK_INT(pos, 1);
    CHECK_INT(fault_of("星\xC2\x9B", 10, HOSHI_TEXT_MULTILINE, &pos), HOSHI_TEXT_CONTROL); /* CSI */
    CHECK_INT(pos, 2);
    CHECK_INT(fault_of("a\tb", 10, 0, NULL), HOSHI_TEXT_CONTROL);
    CHECK_INT(fault_of("a\tb", 10, HOSHI_TEXT_MULTILINE, NULL), HOSHI_TEXT_OK);
    CHECK_INT(fault_of("a\x0b" "b", 10, HOSHI_TEXT_MULTILINE, NULL), HOSHI_TEXT_CONTROL);
    /* line breaks: only in multi-line text, and there as LF */
    CHECK_INT(fault_of("星野\n商店", 10, 0, &pos), HOSHI_TEXT_LINE_BREAK);
    CHECK_INT(pos, 3);
    CHECK_INT(fault_of("a\rb", 10, 0, NULL), HOSHI_TEXT_LINE_BREAK);
    CHECK_INT(fault_of("a\xE2\x80\xA8" "b", 10, HOSHI_TEXT_MULTILINE, NULL), HOSHI_TEXT_LINE_BREAK);
    char *out = nfc("a\r\nb\rc\n", 10, HOSHI_TEXT_MULTILINE);
    CHECK_STR(out, "a\nb\nc\n");
    free(out);
    /* the limit counts the stored text: CR LF is one character */
    CHECK_INT(fault_of("a\r\nb", 3, HOSHI_TEXT_MULTILINE, NULL), HOSHI_TEXT_OK);
}

static void bidi_and_invisible(void)
{
    size_t pos = 0;
    /* U+202E RIGHT-TO-LEFT OVERRIDE, the classic file-name trick */
    CHECK_INT(fault_of("ab\xE2\x80\xAE" "cd", 10, 0, &pos), HOSHI_TEXT_BIDI);
    CHECK_INT(pos, 3);
    static const char *const bidi[] = {"\xE2\x80\xAA", "\xE2\x80\xAB", "\xE2\x80\xAC", "\xE2\x80\xAD",
                                       "\xE2\x81\xA6", "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9",
                                       "\xE2\x80\x8E", "\xE2\x80\x8F", "\xD8\x9C"};
    for (size_t i = 0; i < sizeof bidi / sizeof bidi[0]; i++) {
        char s[16];
        snprintf(s, sizeof s, "x%sy", bidi[i]);
        CHECK_INT(fault_of(s, 10, HOSHI_TEXT_MULTILINE, NULL), HOSHI_TEXT_BIDI);
    }
    /* zero-width space, joiners, word joiner, BOM, soft hyphen, tag, Hangul filler */
    static const char *const invisible[] = {"\xE2\x80\x8B", "\xE2\x80\x8C", "\xE2\x80\x8D", "\xE2\x81\xA0",
                                            "\xEF\xBB\xBF", "\xC2\xAD", "\xF3\xA0\x80\x81",
                                            "\xE3\x85\xA4", "\xCD\x8F"};
    for (size_t i = 0; i < sizeof invisible / sizeof invisible[0]; i++) {
        char s[16];
        snprintf(s, sizeof s, "星%s", invisible[i]);
        CHECK_INT(fault_of(s, 10, 0, &pos), HOSHI_TEXT_INVISIBLE);
        CHECK_INT(pos, 2);
    }
    /* a name of zero-width spaces only */
    CHECK_INT(fault_of("\xE2\x80\x8B\xE2\x80\x8B", 10, HOSHI_TEXT_REQUIRED, &pos), HOSHI_TEXT_INVISIBLE);
    CHECK_INT(pos, 1);
    /* a variation selector picking a kanji glyph (IVS) is kept: 葛 + U+E0100 */
    char *out = nfc("\xE8\x91\x9B\xF3\xA0\x84\x80", 10, HOSHI_TEXT_REQUIRED);
    CHECK_STR(out, "\xE8\x91\x9B\xF3\xA0\x84\x80");
    free(out);
}

static void noncharacters_private_unassigned(void)
{
    size_t pos = 0;
    CHECK_INT(fault_of("a\xEF\xBF\xBF", 10, 0, &pos), HOSHI_TEXT_NONCHARACTER); /* U+FFFF */
    CHECK_INT(pos, 2);
    CHECK_INT(fault_of("\xEF\xBF\xBE", 10, 0, NULL), HOSHI_TEXT_NONCHARACTER);  /* U+FFFE */
    CHECK_INT(fault_of("\xEF\xB7\x90", 10, 0, NULL), HOSHI_TEXT_NONCHARACTER);  /* U+FDD0 */
    CHECK_INT(fault_of("\xF4\x8F\xBF\xBF", 10, 0, NULL), HOSHI_TEXT_NONCHARACTER); /* U+10FFFF */
    CHECK_INT(fault_of("\xEE\x80\x80", 10, 0, NULL), HOSHI_TEXT_PRIVATE_USE);   /* U+E000 */
    CHECK_INT(fault_of("\xF3\xB0\x80\x80", 10, 0, NULL), HOSHI_TEXT_PRIVATE_USE); /* U+F0000 */
    CHECK_INT(fault_of("\xF0\xB3\x80\x80", 10, 0, NULL), HOSHI_TEXT_UNASSIGNED);  /* U+33000 */
    CHECK_INT(fault_of("a\xEF\xBF\xBD", 10, 0, &pos), HOSHI_TEXT_REPLACEMENT);  /* U+FFFD */
    CHECK_INT(pos, 2);
}

static void bad_utf8(void)
{
    size_t pos = 0;
    hoshi_text_problem why;
    CHECK(hoshi_text_normalize("星\xE3\x80", 10, 0, NULL, &why) == HOSHI_ERR_INPUT);
    CHECK_INT(why.fault, HOSHI_TEXT_BAD_UTF8);
    CHECK_INT(why.position, 2);
    CHECK_INT(why.code_point, 0xE3);
    CHECK_INT(fault_of("\xED\xA0\x80", 10, 0, &pos), HOSHI_TEXT_BAD_UTF8); /* lone surrogate */
    CHECK_INT(pos, 1);
    CHECK_INT(fault_of("\xC0\xAF", 10, 0, NULL), HOSHI_TEXT_BAD_UTF8);     /* overlong '/' */
    CHECK_INT(fault_of("\xF4\x90\x80\x80", 10, 0, NULL), HOSHI_TEXT_BAD_UTF8); /* past U+10FFFF */
}

static void visible_and_blank(void)
{
    /* blank text: fine when optional, refused when required */
    CHECK_INT(fault_of("", 10, 0, NULL), HOSHI_TEXT_OK);
    CHECK_INT(fault_of("   ", 10, 0, NULL), HOSHI_TEXT_OK);
    CHECK_INT(fault_of("", 10, HOSHI_TEXT_REQUIRED, NULL), HOSHI_TEXT_EMPTY);
    CHECK_INT(fault_of("\xE3\x80\x80\xC2\xA0", 10, HOSHI_TEXT_REQUIRED, NULL), HOSHI_TEXT_EMPTY);
    /* marks alone, or the braille blank, are not a visible character */
    CHECK_INT(fault_of("\xCC\x81\xCC\x81", 10, 0, NULL), HOSHI_TEXT_EMPTY);
    CHECK_INT(fault_of("\xE2\xA0\x80", 10, HOSHI_TEXT_REQUIRED, NULL), HOSHI_TEXT_EMPTY);
    CHECK_INT(fault_of("-", 10, HOSHI_TEXT_REQUIRED, NULL), HOSHI_TEXT_OK);
    /* trimming: white space at both ends goes, inside stays */
    char *out = nfc("\xE3\x80\x80 星野 商店\t ", 5, HOSHI_TEXT_TRIM | HOSHI_TEXT_REQUIRED | HOSHI_TEXT_MULTILINE);
    CHECK_STR(out, "星野 商店");
    free(out);
}

static void limits_in_characters(void)
{
    /* 100 four-byte characters (𠮷, U+20BB7) are 100 characters */
    char s[4 * 101 + 1];
    size_t n = 0;
    for (int i = 0; i < 101; i++) {
        memcpy(s + n, "\xF0\xA0\xAE\xB7", 4);
        n += 4;
    }
    s[n] = '\0';
    hoshi_text_problem why;
    CHECK(hoshi_text_normalize(s, 100, 0, NULL, &why) == HOSHI_ERR_INPUT);
    CHECK_INT(why.fault, HOSHI_TEXT_TOO_LONG);
    CHECK_INT(why.length, 101);
    CHECK(!hoshi_text_is_clean(s, 100, false));
    s[4 * 100] = '\0';
    char *out = nfc(s, 100, HOSHI_TEXT_REQUIRED);
    CHECK(out != NULL && strlen(out) == 400 && strcmp(out, s) == 0);
    free(out);
    CHECK(hoshi_text_is_clean(s, 100, false));
    /* 20,000 kanji fit a 20,000-character limit */
    size_t big = 20000 * 3;
    char *k = malloc(big + 4);
    for (size_t i = 0; i < big; i += 3)
        memcpy(k + i, "\xE6\x98\x9F", 3);
    k[big] = '\0';
    CHECK_INT(fault_of(k, 20000, HOSHI_TEXT_MULTILINE, NULL), HOSHI_TEXT_OK);
    memcpy(k + big, "\xE6\x98\x9F", 4);
    CHECK_INT(fault_of(k, 20000, HOSHI_TEXT_MULTILINE, NULL), HOSHI_TEXT_TOO_LONG);
    free(k);
}

static void details_say_what_and_where(void)
{
    CHECK(hoshi_text_check("org", "ab\xE2\x80\xAE" "cd", 100, true) == HOSHI_ERR_INPUT);
    CHECK_STR(hoshi_error_detail(),
              "org has an invisible bidirectional control at character 3: U+202E RIGHT-TO-LEFT OVERRIDE");
    CHECK(hoshi_text_check("org", "\xE2\x80\x8B", 100, true) == HOSHI_ERR_INPUT);
    CHECK_STR(hoshi_error_detail(), "org has an invisible character at character 1: U+200B ZERO WIDTH SPACE");
    CHECK(hoshi_text_check("org", "\xE3\x80\x80", 100, true) == HOSHI_ERR_INPUT);
    CHECK_STR(hoshi_error_detail(), "org must not be empty");
    CHECK(hoshi_text_check("org", "\xCC\x81", 100, true) == HOSHI_ERR_INPUT);
    CHECK_STR(hoshi_error_detail(), "org has no visible character");
    CHECK(hoshi_text_check("contact", "", 100, false) == HOSHI_OK);
    CHECK(hoshi_text_check("contact", NULL, 100, false) == HOSHI_OK);
    CHECK(hoshi_text_check("org", NULL, 100, true) == HOSHI_ERR_INPUT);
    CHECK(hoshi_text_check("org", "abc", 2, true) == HOSHI_ERR_INPUT);
    CHECK_STR(hoshi_error_detail(), "org is longer than 2 characters (it has 3)");
    CHECK(hoshi_text_normalize("a\nb\xEF\xBF\xBF", 10, HOSHI_TEXT_MULTILINE, NULL, NULL) == HOSHI_ERR_INPUT);
    CHECK_STR(hoshi_error_detail(), "text has a noncharacter at line 2, character 4: U+FFFF");
    CHECK(hoshi_text_check("org", "\xC2\x85", 100, true) == HOSHI_ERR_INPUT);
    CHECK(strstr(hoshi_error_detail(), "U+0085") != NULL);
}

/* The predicate and the check the front ends used before the normaliser
 * existed now refuse what they let through (issue 7, finding 8). */
static void existing_checks_refuse_hostile_text(void)
{
    CHECK(!hoshi_text_is_clean("ab\xE2\x80\xAE" "cd", 100, false));     /* U+202E */
    CHECK(!hoshi_text_is_clean("\xE2\x80\x8B\xE2\x80\x8B", 100, false)); /* ZWSP only */
    CHECK(!hoshi_text_is_clean("\xEF\xBB\xBF" "abc", 100, false));      /* BOM */
    CHECK(!hoshi_text_is_clean("A\xC2\x85" "B", 100, true));             /* NEL */
    CHECK(!hoshi_text_is_clean("A\xEF\xBF\xBF", 100, false));           /* U+FFFF */
    CHECK(hoshi_text_check("org", "\xE2\x80\x8B", 100, true) == HOSHI_ERR_INPUT);
    CHECK(hoshi_text_check("org", "\xE2\x81\xA6x\xE2\x81\xA9", 100, true) == HOSHI_ERR_INPUT);
    /* NFD が is one character once normalised */
    CHECK(hoshi_text_is_clean("\xE3\x81\x8B\xE3\x82\x99", 1, false));
}

/* The predicate, the check and the normaliser give the same verdict. */
static void one_rule(void)
{
    static const char *const samples[] = {
        "星野商店", "", "  ", "a\x01", "\xE2\x80\xAE", "\xE2\x80\x8B", "\xEF\xBB\xBF" "abc", "\xC2\x85",
        "\xEF\xBF\xBF", "\xEE\x80\x80", "\xE3\x81\x8B\xE3\x82\x99", "\xCC\x81", "a\nb", "\xE3\x80",
    };
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        bool norm = hoshi_text_normalize(samples[i], 100, 0, NULL, NULL) == HOSHI_OK;
        CHECK(hoshi_text_is_clean(samples[i], 100, false) == norm);
        CHECK((hoshi_text_check("x", samples[i], 100, false) == HOSHI_OK) == norm);
    }
    CHECK(!hoshi_text_is_clean(NULL, 10, false));
}

static void sanitize_for_display(void)
{
    char *out = NULL;
    CHECK(hoshi_text_sanitize("ab\xE2\x80\xAE" "cd\xE2\x80\x8B\xFF" "星\n", &out) == HOSHI_OK);
    CHECK_STR(out, "ab\xEF\xBF\xBD" "cd\xEF\xBF\xBD\xEF\xBF\xBD星\xEF\xBF\xBD");
    free(out);
    CHECK(hoshi_text_sanitize("\xE3\x80", &out) == HOSHI_OK); /* a cut character */
    CHECK_STR(out, "\xEF\xBF\xBD\xEF\xBF\xBD");
    free(out);
    CHECK(hoshi_text_sanitize("星野商店", &out) == HOSHI_OK);
    CHECK_STR(out, "星野商店");
    free(out);
}

/* Every allocation in the normaliser may fail: NOMEM, never a crash. */
static void allocation_failures(void)
{
    for (long n = 0; n < 100; n++) {
        hoshi_testing_fail_alloc_after(n);
        char *out = NULL;
        hoshi_err err = hoshi_text_normalize("\xE3\x81\x8B\xE3\x82\x99 星野", 10, HOSHI_TEXT_TRIM, &out, NULL);
        char *san = NULL;
        hoshi_err err2 = hoshi_text_sanitize("a\xE2\x80\xAE", &san);
        hoshi_testing_fail_alloc_after(-1);
        CHECK(err == HOSHI_OK || err == HOSHI_ERR_NOMEM);
        CHECK(err2 == HOSHI_OK || err2 == HOSHI_ERR_NOMEM);
        CHECK((err == HOSHI_OK) == (out != NULL));
        free(out);
        free(san);
        if (err == HOSHI_OK && err2 == HOSHI_OK)
            return;
    }
    CHECK(!"allocations never stopped failing");
}

int main(void)
{
    RUN(nfd_becomes_nfc);
    RUN(controls);
    RUN(bidi_and_invisible);
    RUN(noncharacters_private_unassigned);
    RUN(bad_utf8);
    RUN(visible_and_blank);
    RUN(limits_in_characters);
    RUN(details_say_what_and_where);
    RUN(existing_checks_refuse_hostile_text);
    RUN(one_rule);
    RUN(sanitize_for_display);
    RUN(allocation_failures);
    return UNIT_RESULT();
}
