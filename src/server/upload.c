/*
 * upload.c — multipart/form-data bodies, for the one form that uploads a
 * file: the operator's questionnaire definition (.xlsx) at
 * /operator/surveys (issue 9 item 3), and a client's list of suppliers
 * at /suppliers/upload (issue 13 part 5).  The body, already buffered under
 * its own cap (http.c), is split into parts by libmicrohttpd's post
 * processor; text parts become form fields exactly as a urlencoded body's
 * do (so the CSRF check in route.c applies unchanged), and the file part
 * is kept whole in r->upload.  Anything malformed marks the form bad (400).
 */
#include "server.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

typedef struct mp_ctx {
    srv_req *r;
    hoshi_buf file;
    bool in_file, bad;
} mp_ctx;

/* Appends n bytes to the last form field's value. */
static bool field_append(srv_req *r, const char *data, size_t n)
{
    srv_field *f = &r->form[r->n_form - 1];
    size_t old = strlen(f->value);
    if (memchr(data, '\0', n) != NULL || old + n > SRV_BODY_MAX)
        return false;
    char *v = realloc(f->value, old + n + 1);
    if (v == NULL)
        return false;
    memcpy(v + old, data, n);
    v[old + n] = '\0';
    f->value = v;
    return true;
}

static enum MHD_Result part(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
                            const char *content_type, const char *transfer_encoding, const char *data,
                            uint64_t off, size_t size)
{
    (void)kind, (void)content_type, (void)transfer_encoding;
    mp_ctx *c = cls;
    srv_req *r = c->r;
    if (filename != NULL) {
        if (off == 0 && (c->in_file || r->upload_name[0])) {
            c->bad = true; /* one file only */
            return MHD_NO;
        }
        if (off == 0) {
            size_t n = strlen(filename);
            n = n < sizeof r->upload_name - 1 ? n : sizeof r->upload_name - 1;
            memcpy(r->upload_name, filename, n);
            r->upload_name[n] = '\0';
            if (n == 0)
                r->upload_name[0] = '?';
            c->in_file = true;
        }
        hoshi_buf_append(&c->file, data, size);
        return c->file.err == HOSHI_OK ? MHD_YES : (c->bad = true, MHD_NO);
    }
    if (off == 0) {
        if (r->n_form == SRV_FIELDS_MAX || key == NULL || key[0] == '\0') {
            c->bad = true;
            return MHD_NO;
        }
        r->form[r->n_form].name = strdup(key);
        r->form[r->n_form].value = strdup("");
        r->n_form++;
        if (r->form[r->n_form - 1].name == NULL || r->form[r->n_form - 1].value == NULL) {
            c->bad = true;
            return MHD_NO;
        }
    }
    if (!field_append(r, data, size)) {
        c->bad = true;
        return MHD_NO;
    }
    return MHD_YES;
}

void srv_req_parse_multipart(srv_req *r, const char *body, size_t len)
{
    mp_ctx c = {.r = r, .file = HOSHI_BUF_INIT};
    c.file.limit = HOSHI_FORM_MAX_XLSX;
    struct MHD_PostProcessor *pp = MHD_create_post_processor(r->conn, 16 * 1024, part, &c);
    if (pp == NULL) {
        r->form_bad = true;
        return;
    }
    if (MHD_post_process(pp, body, len) != MHD_YES)
        c.bad = true;
    if (MHD_destroy_post_processor(pp) != MHD_YES)
        c.bad = true;
    /* An upload field left empty in the browser is a part with a file
     * name of "" and no bytes: no file. */
    if (!c.bad && c.file.len > 0) {
        char *data = NULL;
        size_t n = 0;
        if (hoshi_buf_finish(&c.file, &data, &n) != HOSHI_OK)
            c.bad = true;
        r->upload = data;
        r->upload_len = n;
    } else {
        r->upload_name[0] = '\0';
    }
    hoshi_buf_free(&c.file);
    r->form_bad = r->form_bad || c.bad;
}

size_t srv_upload_cap(const char *url)
{
    if (strcmp(url, SRV_UPLOAD_PATH) == 0)
        return SRV_UPLOAD_MAX;
    if (strcmp(url, SRV_SUPPLIERS_UPLOAD_PATH) == 0)
        return SRV_SUPPLIERS_UPLOAD_MAX + 16 * 1024; /* the file and the form's other parts */
    return 0;
}
