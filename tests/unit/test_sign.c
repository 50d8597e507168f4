/*
 * test_sign.c — signed declarations (issue 11, part 5): the canonical form
 * byte for byte, a token that verifies to the same facts, every changed,
 * cut or added byte of a token refused, an unknown key refused, rotation
 * (old tokens still verify, new ones name the new key), the key file's
 * mode and checks, the public keys JSON read back strictly, and every
 * allocation failing in turn.
 */
#include "hoshi/sign.h"
#include "hoshi/testing.h"
#include "unit.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/hoshi-sign-XXXXXX";
static char keyfile[64];

static hoshi_sign_decl sample(void)
{
    hoshi_sign_decl d = {.id = "20260000015", .level = 2, .org = "株式会社サクラ \"工業\"",
                         .corpnum = "7000012050002", .declared_on = "2026-04-01", .active = true};
    return d;
}

static void canonical_form(void)
{
    hoshi_sign_decl d = sample();
    hoshi_buf b = HOSHI_BUF_INIT;
    CHECK_INT(hoshi_sign_canonical(&d, &b), HOSHI_OK);
    CHECK_STR(b.data, "20260000015\n2\n株式会社サクラ \"工業\"\n7000012050002\n2026-04-01\nactive\n\n");
    hoshi_buf_free(&b);
    d.active = false;
    snprintf(d.withdrawn_on, sizeof d.withdrawn_on, "2026-05-02");
    d.corpnum[0] = '\0';
    CHECK_INT(hoshi_sign_canonical(&d, &b), HOSHI_OK);
    CHECK_STR(b.data, "20260000015\n2\n株式会社サクラ \"工業\"\n\n2026-04-01\nwithdrawn\n2026-05-02\n");
    hoshi_buf_free(&b);
}

static void canonical_refuses(void)
{
    hoshi_buf b = HOSHI_BUF_INIT;
    hoshi_sign_decl d = sample();
    d.id[10] = '6'; /* Damm check digit wrong */
    CHECK_INT(hoshi_sign_canonical(&d, &b), HOSHI_ERR_INPUT);
    d = sample();
    d.level = 3;
    CHECK_INT(hoshi_sign_canonical(&d, &b), HOSHI_ERR_INPUT);
    d = sample();
    snprintf(d.org, sizeof d.org, "two\nlines");
    CHECK_INT(hoshi_sign_canonical(&d, &b), HOSHI_ERR_INPUT);
    d.org[0] = '\0';
    CHECK_INT(hoshi_sign_canonical(&d, &b), HOSHI_ERR_INPUT);
    d = sample();
    snprintf(d.org, sizeof d.org, "bad \xff utf-8");
    CHECK_INT(hoshi_sign_canonical(&d, &b), HOSHI_ERR_INPUT);
    d = sample();
    snprintf(d.corpnum, sizeof d.corpnum, "123");
    CHECK_INT(hoshi_sign_canonical(&d, &b), HOSHI_ERR_INPUT);
    d = sample();
    snprintf(d.declared_on, sizeof d.declared_on, "2026-02-30");
    CHECK_INT(hoshi_sign_canonical(&d, &b), HOSHI_ERR_INPUT);
    d = sample();
    snprintf(d.withdrawn_on, sizeof d.withdrawn_on, "2026-05-02"); /* active yet withdrawn */
    CHECK_INT(hoshi_sign_canonical(&d, &b), HOSHI_ERR_INPUT);
    d = sample();
    d.active = false; /* withdrawn without a date */
    CHECK_INT(hoshi_sign_canonical(&d, &b), HOSHI_ERR_INPUT);
    CHECK_INT((long long)b.len, 0);
    hoshi_buf_free(&b);
}

static bool same(const hoshi_sign_decl *a, const hoshi_sign_decl *b)
{
    return strcmp(a->id, b->id) == 0 && a->level == b->level && strcmp(a->org, b->org) == 0 &&
           strcmp(a->corpnum, b->corpnum) == 0 && strcmp(a->declared_on, b->declared_on) == 0 &&
           a->active == b->active && strcmp(a->withdrawn_on, b->withdrawn_on) == 0;
}

/* A signed token of sample() by the key file's signer. */
static char *make_token(hoshi_keyring *k, const hoshi_sign_decl *d)
{
    hoshi_buf b = HOSHI_BUF_INIT;
    if (hoshi_sign_token(k, d, &b) != HOSHI_OK)
        printf("  token: %s\n", hoshi_error_detail());
    CHECK(b.data != NULL);
    return b.data;
}

static void token_round_trip(void)
{
    hoshi_keyring *k = NULL;
    CHECK_INT(hoshi_keyring_open(keyfile, false, &k), HOSHI_ERR_NOTFOUND);
    CHECK_INT(hoshi_keyring_open(keyfile, true, &k), HOSHI_OK);
    struct stat st;
    CHECK(stat(keyfile, &st) == 0 && (st.st_mode & 0777) == 0600);
    hoshi_sign_decl d = sample(), got;
    char *t = make_token(k, &d);
    char kid[HOSHI_SIGN_KEY_ID_LEN + 1];
    CHECK(strncmp(t, "hoshi1.", 7) == 0);
    CHECK(strncmp(t + 7, hoshi_keyring_signer(k), HOSHI_SIGN_KEY_ID_LEN) == 0);
    CHECK_INT(hoshi_sign_verify(k, t, &got, kid), HOSHI_OK);
    CHECK(same(&d, &got));
    CHECK_STR(kid, hoshi_keyring_signer(k));
    /* Ed25519 is deterministic: the same facts, the same token. */
    char *t2 = make_token(k, &d);
    CHECK_STR(t2, t);
    /* A withdrawal changes the token. */
    d.active = false;
    snprintf(d.withdrawn_on, sizeof d.withdrawn_on, "2026-06-01");
    char *t3 = make_token(k, &d);
    CHECK(strcmp(t3, t) != 0);
    CHECK_INT(hoshi_sign_verify(k, t3, &got, NULL), HOSHI_OK);
    CHECK(same(&d, &got) && !got.active);
    /* The key file read again gives the same key. */
    hoshi_keyring *k2 = NULL;
    CHECK_INT(hoshi_keyring_open(keyfile, true, &k2), HOSHI_OK);
    CHECK_STR(hoshi_keyring_signer(k2), hoshi_keyring_signer(k));
    CHECK_INT(hoshi_sign_verify(k2, t, &got, NULL), HOSHI_OK);
    free(t);
    free(t2);
    free(t3);
    hoshi_keyring_free(k2);
    hoshi_keyring_free(k);
}

/* Every byte of a token replaced by every other byte value, every cut and
 * a byte added anywhere: nothing but the token itself verifies. */
static void tamper_every_byte(void)
{
    hoshi_keyring *k = NULL;
    CHECK_INT(hoshi_keyring_open(keyfile, true, &k), HOSHI_OK);
    hoshi_sign_decl d = sample(), got;
    char *t = make_token(k, &d);
    size_t n = strlen(t);
    char *m = malloc(n + 2);
    long accepted = 0, tried = 0;
    for (size_t i = 0; i < n; i++) {
        for (int c = 1; c < 256; c++) {
            if ((char)c == t[i])
                continue;
            memcpy(m, t, n + 1);
            m[i] = (char)c;
            tried++;
            if (hoshi_sign_verify(k, m, &got, NULL) == HOSHI_OK) {
                accepted++;
                if (accepted < 5)
                    printf("  accepted: byte %zu (%c) as 0x%02x\n", i, t[i], c);
            }
        }
        memcpy(m, t, i); /* cut after i bytes */
        m[i] = '\0';
        accepted += hoshi_sign_verify(k, m, &got, NULL) == HOSHI_OK;
        memcpy(m, t, i); /* one byte added before byte i */
        m[i] = 'A';
        memcpy(m + i + 1, t + i, n - i + 1);
        accepted += hoshi_sign_verify(k, m, &got, NULL) == HOSHI_OK;
    }
    memcpy(m, t, n);
    memcpy(m + n, "A", 2);
    accepted += hoshi_sign_verify(k, m, &got, NULL) == HOSHI_OK;
    CHECK_INT(accepted, 0);
    CHECK_INT(tried, (long)n * 254);
    CHECK_INT(hoshi_sign_verify(k, t, &got, NULL), HOSHI_OK);
    free(m);
    free(t);
    hoshi_keyring_free(k);
}

static void unknown_key(void)
{
    char other[80];
    snprintf(other, sizeof other, "%s/other.keys", dir);
    hoshi_keyring *mine = NULL, *theirs = NULL;
    CHECK_INT(hoshi_keyring_open(keyfile, true, &mine), HOSHI_OK);
    CHECK_INT(hoshi_keyring_open(other, true, &theirs), HOSHI_OK);
    hoshi_sign_decl d = sample(), got;
    char *t = make_token(theirs, &d);
    CHECK_INT(hoshi_sign_verify(mine, t, &got, NULL), HOSHI_ERR_NOTFOUND);
    CHECK(strstr(hoshi_error_detail(), hoshi_keyring_signer(theirs)) != NULL);
    /* Their token relabelled with our key id: the signature fails. */
    memcpy(t + 7, hoshi_keyring_signer(mine), HOSHI_SIGN_KEY_ID_LEN);
    CHECK_INT(hoshi_sign_verify(mine, t, &got, NULL), HOSHI_ERR_INPUT);
    CHECK_STR(got.id, "");
    free(t);
    hoshi_keyring_free(mine);
    hoshi_keyring_free(theirs);
}

static void rotation(void)
{
    hoshi_keyring *before = NULL, *after = NULL;
    CHECK_INT(hoshi_keyring_open(keyfile, true, &before), HOSHI_OK);
    hoshi_sign_decl d = sample(), got;
    char *old = make_token(before, &d);
    char new_id[HOSHI_SIGN_KEY_ID_LEN + 1];
    CHECK_INT(hoshi_keyring_rotate(keyfile, new_id), HOSHI_OK);
    CHECK_INT(hoshi_keyring_open(keyfile, false, &after), HOSHI_OK);
    CHECK_STR(hoshi_keyring_signer(after), new_id);
    CHECK(strcmp(new_id, hoshi_keyring_signer(before)) != 0);
    struct stat st;
    CHECK(stat(keyfile, &st) == 0 && (st.st_mode & 0777) == 0600);
    char *fresh = make_token(after, &d);
    char kid[HOSHI_SIGN_KEY_ID_LEN + 1];
    CHECK(strncmp(fresh + 7, new_id, HOSHI_SIGN_KEY_ID_LEN) == 0);
    CHECK_INT(hoshi_sign_verify(after, old, &got, kid), HOSHI_OK);
    CHECK_STR(kid, hoshi_keyring_signer(before));
    CHECK_INT(hoshi_sign_verify(after, fresh, &got, kid), HOSHI_OK);
    CHECK_STR(kid, new_id);
    /* The published keys: both, the old one retired; read back by a verifier. */
    hoshi_buf j = HOSHI_BUF_INIT;
    hoshi_keyring_json(after, &j);
    CHECK(j.err == HOSHI_OK && strstr(j.data, "\"retired\":null") != NULL);
    CHECK(strstr(j.data, "\"retired\":\"20") != NULL);
    CHECK(strstr(j.data, "public_key") != NULL);
    hoshi_keyring *pub = NULL;
    CHECK_INT(hoshi_keyring_from_json(j.data, j.len, &pub), HOSHI_OK);
    CHECK(pub != NULL && hoshi_keyring_signer(pub) == NULL);
    CHECK_INT(hoshi_sign_verify(pub, old, &got, NULL), HOSHI_OK);
    CHECK_INT(hoshi_sign_verify(pub, fresh, &got, NULL), HOSHI_OK);
    hoshi_buf tb = HOSHI_BUF_INIT;
    CHECK_INT(hoshi_sign_token(pub, &d, &tb), HOSHI_ERR_USAGE);
    hoshi_buf_free(&tb);
    hoshi_buf_free(&j);
    free(old);
    free(fresh);
    hoshi_keyring_free(pub);
    hoshi_keyring_free(before);
    hoshi_keyring_free(after);
}

static hoshi_err from(const char *json)
{
    hoshi_keyring *k = NULL;
    hoshi_err err = hoshi_keyring_from_json(json, strlen(json), &k);
    hoshi_keyring_free(k);
    return err;
}

static void keys_json_strict(void)
{
    hoshi_keyring *k = NULL;
    CHECK_INT(hoshi_keyring_open(keyfile, true, &k), HOSHI_OK);
    hoshi_buf j = HOSHI_BUF_INIT;
    hoshi_keyring_json(k, &j);
    CHECK_INT(from(j.data), HOSHI_OK);
    CHECK_INT(from("{\"keys\":[]}"), HOSHI_OK);
    CHECK_INT(from(" {\"other\":[1,-2.5e3,true,false,null,{\"a\":\"\\u00e9\"}],\"keys\":[]} "), HOSHI_OK);
    CHECK_INT(from(""), HOSHI_ERR_INPUT);
    CHECK_INT(from("{}"), HOSHI_ERR_INPUT);
    CHECK_INT(from("{\"keys\":[]"), HOSHI_ERR_INPUT);
    CHECK_INT(from("{\"keys\":[]} x"), HOSHI_ERR_INPUT);
    CHECK_INT(from("{\"keys\":[],}"), HOSHI_ERR_INPUT);
    CHECK_INT(from("{\"keys\":[{}]}"), HOSHI_ERR_INPUT);
    CHECK_INT(from("{\"keys\":{}}"), HOSHI_ERR_INPUT);
    CHECK_INT(from("{\"a\":01,\"keys\":[]}"), HOSHI_ERR_INPUT);
    CHECK_INT(from("{\"a\":\"\\x\",\"keys\":[]}"), HOSHI_ERR_INPUT);
    CHECK_INT(from("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"), HOSHI_ERR_INPUT);
    CHECK_INT(from("{\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],\"keys\":[]}"),
              HOSHI_ERR_INPUT);
    /* A key under another key's id, or another algorithm, or given twice. */
    char *s = strstr(j.data, "\"id\":\"") + 6;
    s[0] = s[0] == '0' ? '1' : '0';
    CHECK_INT(from(j.data), HOSHI_ERR_INPUT);
    s[0] = hoshi_keyring_signer(k)[0];
    char *alg = strstr(j.data, "Ed25519");
    alg[0] = 'X';
    CHECK_INT(from(j.data), HOSHI_ERR_INPUT);
    alg[0] = 'E';
    hoshi_buf twice = HOSHI_BUF_INIT;
    char *obj = strchr(j.data, '[') + 1;
    size_t olen = (size_t)(strchr(obj, '}') - obj) + 1;
    hoshi_buf_printf(&twice, "{\"keys\":[%.*s,%.*s]}", (int)olen, obj, (int)olen, obj);
    CHECK_INT(from(twice.data), HOSHI_ERR_INPUT);
    hoshi_buf_free(&twice);
    hoshi_buf_free(&j);
    hoshi_keyring_free(k);
}

static void key_file_checks(void)
{
    char path[80];
    snprintf(path, sizeof path, "%s/bad.keys", dir);
    FILE *f = fopen(path, "w");
    fputs("# comment\nnot a key line\n", f);
    fclose(f);
    hoshi_keyring *k = NULL;
    CHECK_INT(hoshi_keyring_open(path, true, &k), HOSHI_ERR_INPUT);
    CHECK(strstr(hoshi_error_detail(), "bad.keys:2:") != NULL);
    CHECK(k == NULL);
    /* A key line whose id is not its key's: refused. */
    CHECK_INT(hoshi_keyring_open(keyfile, true, &k), HOSHI_OK);
    hoshi_keyring_free(k);
    f = fopen(keyfile, "r");
    char line[512] = "";
    while (fgets(line, sizeof line, f) != NULL && line[0] == '#')
        ;
    fclose(f);
    line[0] = line[0] == 'a' ? 'b' : 'a';
    f = fopen(path, "w");
    fputs(line, f);
    fclose(f);
    CHECK_INT(hoshi_keyring_open(path, true, &k), HOSHI_ERR_INPUT);
    CHECK(strstr(hoshi_error_detail(), "does not match") != NULL);
    unlink(path);
}

static bool step(hoshi_err err, bool *all_ok)
{
    if (err != HOSHI_OK && err != HOSHI_ERR_NOMEM) {
        printf("  unexpected error %d: %s\n", (int)err, hoshi_error_detail());
        unit_case_failed = 1;
    }
    if (err != HOSHI_OK)
        *all_ok = false;
    return err == HOSHI_OK;
}

/* Load the key file, sign, publish, read the keys back, verify: true when
 * every step succeeded; a step may only fail with NOMEM. */
static bool sign_scenario(void)
{
    bool all_ok = true;
    hoshi_keyring *k = NULL, *pub = NULL;
    hoshi_buf t = HOSHI_BUF_INIT, j = HOSHI_BUF_INIT;
    hoshi_sign_decl d = sample(), got;
    if (step(hoshi_keyring_open(keyfile, true, &k), &all_ok) && step(hoshi_sign_token(k, &d, &t), &all_ok)) {
        hoshi_keyring_json(k, &j);
        if (step(j.err, &all_ok) && step(hoshi_keyring_from_json(j.data, j.len, &pub), &all_ok) &&
            step(hoshi_sign_verify(pub, t.data, &got, NULL), &all_ok))
            CHECK(same(&d, &got));
    }
    hoshi_buf_free(&t);
    hoshi_buf_free(&j);
    hoshi_keyring_free(pub);
    hoshi_keyring_free(k);
    return all_ok;
}

static void every_allocation_can_fail(void)
{
    long n = 0;
    for (; n < 10000; n++) {
        hoshi_testing_fail_alloc_after(n);
        bool ok = sign_scenario();
        hoshi_testing_fail_alloc_after(-1);
        if (ok)
            break;
    }
    CHECK(n > 3);
    CHECK(n < 10000);
    CHECK(sign_scenario());
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (mkdtemp(dir) == NULL)
        return 1;
    snprintf(keyfile, sizeof keyfile, "%s/hoshi.db.keys", dir);
    RUN(canonical_form);
    RUN(canonical_refuses);
    RUN(token_round_trip);
    RUN(tamper_every_byte);
    RUN(unknown_key);
    RUN(rotation);
    RUN(keys_json_strict);
    RUN(key_file_checks);
    RUN(every_allocation_can_fail);
    char other[80];
    snprintf(other, sizeof other, "%s/other.keys", dir);
    unlink(other);
    unlink(keyfile);
    rmdir(dir);
    return UNIT_RESULT();
}
