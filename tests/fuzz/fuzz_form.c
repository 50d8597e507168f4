/*
 * fuzz_form.c — libFuzzer target for the parser of url-encoded POST
 * bodies of the web application, srv_req_parse_form() in src/server/form.c,
 * which is compiled into this target as it is (with the library; no
 * server is started).  The body is handed over as the server does: a
 * pointer and a length, with no terminating NUL, so a read past the end
 * is caught.
 *
 * Beyond not crashing or leaking: the field count stays within
 * SRV_FIELDS_MAX, names are never empty, srv_req_form() finds the first field
 * by its name, srv_trim() only shortens, and the fields, percent-encoded again
 * and parsed a second time, come back the same.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

static void fail(const char *why)
{
    fprintf(stderr, "fuzz_form: %s\n", why);
    abort();
}

static void free_fields(srv_req *r)
{
    for (size_t i = 0; i < r->n_form; i++) {
        free(r->form[i].name);
        free(r->form[i].value);
    }
    r->n_form = 0;
}

/* Parses body[0..len) from an exact-size copy into r. */
static void parse(srv_req *r, const void *body, size_t len)
{
    char *copy = malloc(len ? len : 1);
    if (copy == NULL)
        abort();
    memcpy(copy, body, len);
    memset(r, 0, sizeof *r);
    srv_req_parse_form(r, copy, len);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static srv_req r, again; /* big (SRV_FIELDS_MAX fields): not on the stack */
    parse(&r, data, size);
    if (r.n_form > SRV_FIELDS_MAX)
        fail("more fields than SRV_FIELDS_MAX");
    for (size_t i = 0; i < r.n_form; i++) {
        if (r.form[i].name == NULL || r.form[i].value == NULL || r.form[i].name[0] == '\0')
            fail("a field without a name or value");
        if (strlen(r.form[i].name) > size || strlen(r.form[i].value) > size)
            fail("a decoded field longer than the body");
    }
    if (r.n_form > 0) {
        if (srv_req_form(&r, r.form[0].name) != r.form[0].value || !srv_req_form_has(&r, r.form[0].name))
            fail("srv_req_form does not find the first field");
    }
    for (size_t i = 0; i < r.n_form; i++) {
        size_t before = strlen(r.form[i].value);
        char *t = strdup(r.form[i].value);
        if (t == NULL)
            abort();
        if (strlen(srv_trim(t)) > before)
            fail("trim made a value longer");
        free(t);
    }
    if (!r.form_bad && r.n_form > 0) {
        /* encode every byte, parse again: the same fields must come back */
        hoshi_buf b = HOSHI_BUF_INIT;
        for (size_t i = 0; i < r.n_form; i++) {
            if (i)
                hoshi_buf_putc(&b, '&');
            for (const char *p = r.form[i].name; *p; p++)
                hoshi_buf_printf(&b, "%%%02X", (unsigned char)*p);
            hoshi_buf_putc(&b, '=');
            for (const char *p = r.form[i].value; *p; p++)
                hoshi_buf_printf(&b, "%%%02X", (unsigned char)*p);
        }
        char *enc = NULL;
        size_t len = 0;
        if (hoshi_buf_finish(&b, &enc, &len) != HOSHI_OK)
            abort();
        parse(&again, enc, len);
        free(enc);
        if (again.form_bad || again.n_form != r.n_form)
            fail("the re-encoded form parses differently");
        for (size_t i = 0; i < r.n_form; i++)
            if (strcmp(again.form[i].name, r.form[i].name) != 0 ||
                strcmp(again.form[i].value, r.form[i].value) != 0)
                fail("a re-encoded field comes back different");
        free_fields(&again);
    }
    free_fields(&r);
    return 0;
}
