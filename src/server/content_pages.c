/*
 * content_pages.c — what the pages of the operator's content (case
 * studies, page_cases.c; support services, page_support.c) share: where
 * their folder is, the filters of the query, and the line that says how
 * many entries a list shows.
 */
#include "server.h"

#include <stdio.h>
#include <string.h>

void srv_content_dir(const srv *s, const char *own, const char *sub, char *path, size_t size)
{
    if (own != NULL)
        snprintf(path, size, "%s", own);
    else
        snprintf(path, size, "%s/%s", s->cfg.datadir ? s->cfg.datadir : hoshi_datadir_default(), sub);
}

int srv_query_number(srv_req *r, const char *name, int lo, int hi)
{
    const char *v = srv_req_query(r, name);
    long n;
    if (v == NULL || v[0] == '\0')
        return 0;
    if (strspn(v, "0123456789") != strlen(v) || strlen(v) > 3 || !hoshi_parse_long(v, lo, hi, &n))
        return -1;
    return (int)n;
}

void srv_count_line(hoshi_buf *b, srv_req *r, const char *section, size_t shown)
{
    if (shown == 0) {
        hoshi_buf_html(b, srv_text(r, section, "none"));
        return;
    }
    char n[24];
    snprintf(n, sizeof n, "%zu", shown);
    const char *vars[] = {"n", n, NULL};
    hoshi_buf_subst(b, srv_text(r, section, "count"), vars, hoshi_buf_html);
}
