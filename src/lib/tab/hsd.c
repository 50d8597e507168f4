/* hsd.c — placeholder, replaced below */
#include "tab/tab_int.h"
bool hi_hsd_sniff(const char *path) { (void)path; return false; }
hoshi_err hi_hsd_open(const char *path, const char *t, size_t l, hoshi_dataset **out)
{ (void)path; (void)t; (void)l; (void)out; return hi_fail(HOSHI_ERR_INTERNAL, "todo"); }
void hi_hsd_unmap(hoshi_dataset *ds) { (void)ds; }
hoshi_err hi_hsd_verify_column(const hoshi_dataset *ds, size_t i) { (void)ds; (void)i; return HOSHI_OK; }
hoshi_err hoshi_dataset_save(const hoshi_dataset *ds, const char *path) { (void)ds; (void)path; return hi_fail(HOSHI_ERR_INTERNAL, "todo"); }
