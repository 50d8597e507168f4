/*
 * fa.h — internal declarations of the free-answer modules (fa_*.c): the
 * listing a spec makes (fa_list.c), its renderings (fa_render.c,
 * fa_xlsx.c), the folding matches use (fa_fold.c) and the coding of an
 * FA question into an MA one (fa_code.c, fa_rules.c).
 */
#ifndef HOSHI_TAB_FA_H
#define HOSHI_TAB_FA_H

#include "hoshi/survey_fa.h"
#include "tab/tab_int.h"

/* A listing: the answers chosen, each with its id and the attributes'
 * values as shown (labels, numbers), all owned. */
struct hoshi_falist {
    char *var, *title;      /* the FA question */
    size_t n_attrs;
    char **attr_name;       /* the attributes as given */
    char **attr_title;      /* and their codebook titles */
    size_t n;               /* answers listed */
    size_t matched;         /* answers that matched, before the cap */
    size_t base;            /* respondents the conditions kept */
    char **id;              /* n ids */
    char **text;            /* n answers, full */
    char **attr;            /* n * n_attrs values ("" when blank) */
};

/* fa_fold.c: s[0..len) folded (NFKC_Casefold, katakana as hiragana);
 * *out malloc'd. */
hoshi_err hi_fa_fold(const char *s, size_t len, char **out);

/* fa_list.c: the FA question named var, or an error saying why not. */
hoshi_err hi_fa_question(const hoshi_dataset *ds, const char *var, const hi_question **q);

/* fa_render.c: at most max bytes of s, cut at a character boundary; *cut
 * tells whether anything was left out (the caller shows "…"). */
size_t hi_fa_cut(const char *s, size_t max, bool *cut);

/* fa_render.c: "N of M answers shown" in the texts' language (*out malloc'd). */
hoshi_err hi_fa_count_text(const hoshi_falist *l, const hoshi_tab_texts *tx, char **out);

/* fa_xlsx.c: writes listing l on worksheet ws of a workbook being made
 * (a table book adds one sheet per listing this way).  ws and wb are
 * libxlsxwriter's lxw_worksheet and lxw_workbook, as void to keep its
 * header out of here.  Returns libxlsxwriter's first error as
 * HOSHI_ERR_IO (HOSHI_ERR_NOMEM when it ran out of memory). */
hoshi_err hi_fa_xlsx_sheet(void *wb, void *ws, const hoshi_falist *l,
                           const hoshi_fa_render_opts *opts, const hoshi_tab_texts *tx);

/* ---- coding (fa_rules.c parses a coding file, fa_code.c applies it) ---- */

#define HI_FA_MAX_KEYWORDS 1000     /* keywords of one category */
#define HI_FA_MAX_KEYWORD 256       /* bytes in one keyword */
#define HI_FA_MAX_MANUAL 1000000    /* manual assignments */
#define HI_FA_MAX_FILE ((size_t)16 << 20)

/* A keyword: parts joined by '&' in the file, all of which the folded
 * answer must hold. */
typedef struct hi_fa_kw {
    char **part;            /* folded */
    size_t n;
} hi_fa_kw;

typedef struct hi_fa_cat {
    long code;
    char *label;
    size_t line;
    hi_fa_kw *kw;
    size_t n_kw;
} hi_fa_cat;

/* A coder's decision for one respondent: these categories, whatever the
 * keywords say (none: uncoded). */
typedef struct hi_fa_manual {
    char *id;
    size_t *cat;            /* indices into the categories */
    size_t n;
    size_t line;
} hi_fa_manual;

typedef struct hi_fa_coding {
    char *name;             /* the file, for messages */
    char *qid, *title;      /* of the coded question; NULL: derived from the FA one */
    size_t name_line;       /* the line of the name row, 0 without one */
    char *uncoded;          /* label of the uncoded category; NULL: the default */
    hi_fa_cat *cat;
    size_t n_cat;
    hi_fa_manual *man;      /* sorted by id once parsed */
    size_t n_man;
} hi_fa_coding;

/* Parses a coding file (UTF-8 text) into *out (free with hi_fa_coding_free). */
hoshi_err hi_fa_coding_parse(const char *name, const char *text, size_t len, hi_fa_coding **out);
void hi_fa_coding_free(hi_fa_coding *c);
/* Marks in sel[0..n_cat] the categories the keywords give answer
 * text[0..len) (folded here); sel[n_cat] is the uncoded category. */
hoshi_err hi_fa_coding_match(const hi_fa_coding *c, const char *text, size_t len, uint8_t *sel);
/* The manual assignment of id, or NULL. */
const hi_fa_manual *hi_fa_coding_manual(const hi_fa_coding *c, const char *id, size_t len);

#endif
