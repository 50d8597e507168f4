/*
 * form.c — the inputs of a request: query arguments and cookies (decoded
 * by libmicrohttpd), and url-encoded POST forms parsed here with caps on
 * the number of fields, plus the text check every typed field goes
 * through (the library's rule, hoshi_text_normalize) and its field error
 * in the visitor's language.
 */
#include "server.h"
#include "hoshi/text.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *srv_req_query(srv_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *srv_req_cookie(srv_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *srv_req_form(srv_req *r, const char *name)
{
    for (size_t i = 0; i < r->n_form; i++)
        if (strcmp(r->form[i].name, name) == 0)
            return r->form[i].value;
    return "";
}

bool srv_req_form_has(srv_req *r, const char *name)
{
    for (size_t i = 0; i < r->n_form; i++)
        if (strcmp(r->form[i].name, name) == 0)
            return true;
    return false;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes %XX and '+' of s[0..n) into a new string; NULL on a bad escape. */
static char *decode(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    if (out == NULL)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            out[j++] = ' ';
        } else if (s[i] == '%') {
            /* A truncated escape or an encoded NUL makes the form malformed. */
            int a = i + 1 < n ? hexval(s[i + 1]) : -1, b = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (a < 0 || b < 0 || (a == 0 && b == 0)) {
                free(out);
                return NULL;
            }
            out[j++] = (char)(a * 16 + b);
            i += 2;
        } else {
            out[j++] = s[i];
        }
    }
    out[j] = '\0';
    return out;
}

void srv_req_parse_form(srv_req *r, char *body, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && body[end] != '&')
            end++;
        if (end > i) {
            size_t eq = i;
            while (eq < end && body[eq] != '=')
                eq++;
            if (r->n_form == SRV_FIELDS_MAX) {
                r->form_bad = true;
                return;
            }
            char *name = decode(body + i, eq - i);
            char *value = eq < end ? decode(body + eq + 1, end - eq - 1) : strdup("");
            if (name == NULL || value == NULL || strlen(name) == 0) {
                free(name);
                free(value);
                r->form_bad = true;
                return;
            }
            r->form[r->n_form].name = name;
            r->form[r->n_form].value = value;
            r->n_form++;
        }
        i = end + 1;
    }
}

char *srv_trim(char *s)
{
    static const char *const blanks[] = {" ", "\t", "\r", "\n", "\xe3\x80\x80"};
    bool changed = true;
    while (changed) {
        changed = false;
        for (size_t i = 0; i < sizeof blanks / sizeof blanks[0]; i++) {
            size_t n = strlen(blanks[i]);
            if (strncmp(s, blanks[i], n) == 0) {
                memmove(s, s + n, strlen(s + n) + 1);
                changed = true;
            }
            size_t len = strlen(s);
            if (len >= n && strcmp(s + len - n, blanks[i]) == 0) {
                s[len - n] = '\0';
                changed = true;
            }
        }
    }
    return s;
}

bool srv_form_text(const char *typed, size_t max_chars, unsigned flags, char *out, size_t size,
                   hoshi_text_problem *why)
{
    char *norm = NULL;
    out[0] = '\0';
    hoshi_err err = hoshi_text_normalize(typed, max_chars, flags | HOSHI_TEXT_TRIM, &norm, why);
    if (err == HOSHI_OK && strlen(norm) >= size) {
        /* Within the limit in characters yet not in the bytes the record
         * holds: refused whole, never cut inside a character. */
        why->fault = HOSHI_TEXT_TOO_LONG;
        why->length = hoshi_utf8_count(norm);
        err = HOSHI_ERR_LIMIT;
    } else if (err == HOSHI_OK) {
        memcpy(out, norm, strlen(norm) + 1);
    }
    free(norm);
    return err == HOSHI_OK;
}
