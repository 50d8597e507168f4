/*
 * test_ids.c — 法人番号 check digits (against published numbers) and the
 * declaration ID's Damm check: every single-digit error and every adjacent
 * swap of a valid ID must be caught; and the QR code of a verification
 * link, as SVG with its title escaped.
 */
#include "hoshi/ids.h"
#include "hoshi/qr.h"
#include "unit.h"

#include <stdlib.h>

static void corpnum_known_numbers(void)
{
    /* Numbers published on the National Tax Agency's site. */
    CHECK(hoshi_corpnum_is_valid("7000012050002"));
    CHECK(hoshi_corpnum_is_valid("1000011000005"));
    CHECK_INT(hoshi_corpnum_check_digit("000012050002"), 7);
}

static void corpnum_rejects(void)
{
    CHECK(!hoshi_corpnum_is_valid("8000012050002"));
    CHECK(!hoshi_corpnum_is_valid("700001205000"));
    CHECK(!hoshi_corpnum_is_valid("70000120500021"));
    CHECK(!hoshi_corpnum_is_valid("700001205000a"));
    CHECK(!hoshi_corpnum_is_valid(""));
    CHECK(!hoshi_corpnum_is_valid(NULL));
    CHECK_INT(hoshi_corpnum_check_digit("12"), -1);
}

static void damm_reference(void)
{
    /* The worked example of the Damm algorithm: 572 → check digit 4. */
    CHECK_INT(hoshi_damm_check_digit("572"), 4);
    CHECK_INT(hoshi_damm_check_digit("5724"), 0);
    CHECK_INT(hoshi_damm_check_digit(""), -1);
    CHECK_INT(hoshi_damm_check_digit("5x"), -1);
}

static void decl_id_make_and_check(void)
{
    char id[HOSHI_DECL_ID_LEN + 1];
    CHECK_INT(hoshi_decl_id_make(1234567890LL, id), HOSHI_OK);
    CHECK_INT((long long)strlen(id), 11);
    CHECK(hoshi_decl_id_is_valid(id));
    CHECK_INT(hoshi_decl_id_make(999999999LL, id), HOSHI_ERR_USAGE);
    CHECK_INT(hoshi_decl_id_make(10000000000LL, id), HOSHI_ERR_USAGE);
}

static void decl_id_catches_typos(void)
{
    char id[HOSHI_DECL_ID_LEN + 1];
    long long bases[] = {1000000000LL, 1234567890LL, 5550001234LL, 9999999999LL};
    for (size_t b = 0; b < sizeof bases / sizeof bases[0]; b++) {
        CHECK_INT(hoshi_decl_id_make(bases[b], id), HOSHI_OK);
        for (int i = 0; i < 11; i++) {
            for (char d = '0'; d <= '9'; d++) {
                if (d == id[i])
                    continue;
                char t[12];
                memcpy(t, id, 12);
                t[i] = d;
                CHECK(!hoshi_decl_id_is_valid(t));
            }
            if (i < 10 && id[i] != id[i + 1]) {
                char t[12];
                memcpy(t, id, 12);
                t[i] = id[i + 1];
                t[i + 1] = id[i];
                CHECK(!hoshi_decl_id_is_valid(t));
            }
        }
    }
}

static void decl_id_normalize(void)
{
    char id[HOSHI_DECL_ID_LEN + 1], out[HOSHI_DECL_ID_LEN + 1];
    CHECK_INT(hoshi_decl_id_make(1234567890LL, id), HOSHI_OK);
    char typed[20] = {id[0], id[1], id[2], id[3], '-', id[4], id[5], id[6], id[7],
                      ' ', id[8], id[9], id[10], '\0'};
    CHECK(hoshi_decl_id_normalize(typed, out));
    CHECK_STR(out, id);
    CHECK(!hoshi_decl_id_normalize("123", out));
    CHECK_STR(out, "");
    CHECK(!hoshi_decl_id_normalize("123456789012345", out));
    CHECK(!hoshi_decl_id_normalize("0000000000", out));
    CHECK(!hoshi_decl_id_normalize(NULL, out));
}

static void qr_of_verification_link(void)
{
    char *svg = NULL;
    size_t len = 0;
    CHECK_INT(hoshi_qr_svg("http://127.0.0.1:8080/verify/12345678903", "<確認>&", &svg, &len), HOSHI_OK);
    CHECK(svg != NULL && strncmp(svg, "<svg ", 5) == 0);
    CHECK(svg != NULL && strstr(svg, "<title>&lt;確認&gt;&amp;</title>") != NULL);
    CHECK(svg != NULL && strstr(svg, "<path") != NULL && strlen(svg) == len);
    free(svg);
    CHECK_INT(hoshi_qr_svg("", NULL, &svg, &len), HOSHI_ERR_INPUT);
    CHECK(svg == NULL);
    char big[1200];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK_INT(hoshi_qr_svg(big, NULL, &svg, &len), HOSHI_ERR_INPUT);
}

int main(void)
{
    RUN(corpnum_known_numbers);
    RUN(corpnum_rejects);
    RUN(damm_reference);
    RUN(decl_id_make_and_check);
    RUN(decl_id_catches_typos);
    RUN(decl_id_normalize);
    RUN(qr_of_verification_link);
    return UNIT_RESULT();
}
