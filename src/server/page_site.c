/*
 * page_site.c — the pages about the site itself (issue 11 part 9): terms
 * of use (/terms), privacy notice (/privacy), contact (/contact) and who
 * runs the registry (/about).  Their texts are the operator's, not code:
 * SITE_DIR/<lang>/<page>.md when `hoshi serve --site-dir SITE_DIR` names
 * one and the file is there, else the defaults in DATADIR/site/<lang>/.
 * A file is read on each request, so an edit shows at once, without a
 * rebuild or a restart.
 *
 * The files are a small part of Markdown: "# " and "## " lines are
 * headings (under the page's own h1, from [site] of web.ini), "- " lines
 * a list, anything else paragraphs separated by blank lines.  Every line
 * is shown as text (srv_html_shown), so a file can never put markup or
 * script on the page.
 */
#include "server.h"
#include "hoshi/datafile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SITE_TEXT_MAX (64 * 1024)

/* The page's text, from the operator's folder first; NULL (with the
 * reason logged) when neither file can be read. */
static char *site_text(srv_req *r, const char *page)
{
    const char *lang = hoshi_lang_code(r->lang);
    const char *data = r->s->cfg.datadir ? r->s->cfg.datadir : hoshi_datadir_default();
    char path[1024];
    char *text = NULL;
    size_t len;
    if (r->s->cfg.site_dir != NULL) {
        snprintf(path, sizeof path, "%s/%s/%s.md", r->s->cfg.site_dir, lang, page);
        if (hoshi_file_read(path, SITE_TEXT_MAX, &text, &len) == HOSHI_OK)
            return text;
    }
    snprintf(path, sizeof path, "%s/site/%s/%s.md", data, lang, page);
    if (hoshi_file_read(path, SITE_TEXT_MAX, &text, &len) == HOSHI_OK)
        return text;
    srv_log(r, "error", "site_text", "path", path, "detail", hoshi_error_detail(), (const char *)NULL);
    return NULL;
}

/* Ends an open paragraph or list. */
static void close_block(hoshi_buf *b, char *open)
{
    if (*open == 'p')
        hoshi_buf_puts(b, "</p>\n");
    else if (*open == 'u')
        hoshi_buf_puts(b, "</li></ul>\n");
    *open = 0;
}

static void render_text(hoshi_buf *b, char *text)
{
    char open = 0; /* 'p' in a paragraph, 'u' in a list, 0 neither */
    for (char *line = text; line != NULL && *line;) {
        char *end = strchr(line, '\n');
        char *next = end ? end + 1 : NULL;
        if (end)
            *end = '\0';
        srv_trim(line);
        if (*line == '\0') {
            close_block(b, &open);
        } else if (strncmp(line, "## ", 3) == 0 || strncmp(line, "# ", 2) == 0) {
            bool sub = line[1] == '#';
            close_block(b, &open);
            hoshi_buf_puts(b, sub ? "<h3>" : "<h2>");
            srv_html_shown(b, srv_trim(line + (sub ? 3 : 2)));
            hoshi_buf_puts(b, sub ? "</h3>\n" : "</h2>\n");
        } else if (strncmp(line, "- ", 2) == 0) {
            if (open != 'u') {
                close_block(b, &open);
                hoshi_buf_puts(b, "<ul>\n<li>");
                open = 'u';
            } else {
                hoshi_buf_puts(b, "</li>\n<li>");
            }
            srv_html_shown(b, srv_trim(line + 2));
        } else {
            if (open == 'u')
                close_block(b, &open);
            hoshi_buf_puts(b, open == 'p' ? "<br>\n" : "<p>");
            open = 'p';
            srv_html_shown(b, line);
        }
        line = next;
    }
    close_block(b, &open);
}

static void site_page(srv_req *r, srv_resp *p, const char *page)
{
    char key[32];
    snprintf(key, sizeof key, "%s_title", page);
    char *text = site_text(r, page);
    if (text == NULL) {
        srv_page_message(r, p, 500, "internal");
        return;
    }
    srv_vars v = {0};
    hoshi_buf_html(srv_var(&v, "title"), srv_text(r, "site", key));
    render_text(srv_var(&v, "text"), text);
    free(text);
    hoshi_buf body = HOSHI_BUF_INIT;
    srv_tpl_render(&body, r, "site", "site", srv_vars_list(&v));
    srv_vars_free(&v);
    srv_page_finish(r, p, srv_text(r, "site", key), &body);
}

void srv_page_terms(srv_req *r, srv_resp *p)
{
    site_page(r, p, "terms");
}

void srv_page_privacy(srv_req *r, srv_resp *p)
{
    site_page(r, p, "privacy");
}

void srv_page_contact(srv_req *r, srv_resp *p)
{
    site_page(r, p, "contact");
}

void srv_page_about(srv_req *r, srv_resp *p)
{
    site_page(r, p, "about");
}
