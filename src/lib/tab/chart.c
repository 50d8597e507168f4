/* chart.c — placeholder */
#include "tab/tab.h"
void hi_tab_svg(hi_buf *b, const hoshi_tabset *ts) { (void)ts; hi_buf_puts(b, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n"); }
hoshi_err hoshi_tab_write_xlsx(const hoshi_tabset *ts, const hoshi_tab_render_opts *opts, const char *path) { (void)ts; (void)opts; (void)path; return hi_fail(HOSHI_ERR_INTERNAL, "todo"); }
