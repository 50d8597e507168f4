/*
 * nta.h — the National Tax Agency's published register of corporate
 * numbers (法人番号公表サイト, 全件データ / 差分データ, CSV, Unicode
 * edition): one line of its bulk file read into a record, and the name
 * comparison used to check that an organisation's name is the one the
 * register holds for its number.  The file itself is read by the caller
 * (line by line); the records go to the store (hoshi/store_nta.h).
 */
#ifndef HOSHI_NTA_H
#define HOSHI_NTA_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/error.h"
#include "hoshi/ids.h"

#define HOSHI_NTA_FIELDS 30          /* columns of a line of the bulk file */
#define HOSHI_NTA_LINE_MAX 8192      /* bytes of one line, the line break excluded */
#define HOSHI_NTA_NAME_CHARS 150     /* 商号又は名称 */
#define HOSHI_NTA_ADDR_CHARS 300     /* each part of the address */
#define HOSHI_NTA_KANA_CHARS 500     /* フリガナ */
#define HOSHI_NTA_UTF8(chars) ((size_t)(chars) * 4 + 1)

/* One line of the file, the columns hoshi keeps (every column is still
 * checked).  Dates are YYYY-MM-DD or "" when the column is empty. */
typedef struct hoshi_nta_corp {
    char corpnum[HOSHI_CORPNUM_LEN + 1];
    char process[3];              /* 処理区分: 01 new, 11 name, 12 address, 21 closed, … */
    char update_date[11];         /* 更新年月日 */
    char change_date[11];         /* 変更年月日 */
    char name[HOSHI_NTA_UTF8(HOSHI_NTA_NAME_CHARS)];
    char kind[4];                 /* 法人種別: 101 … 499 */
    char prefecture[HOSHI_NTA_UTF8(HOSHI_NTA_ADDR_CHARS)]; /* 国内所在地（都道府県） */
    char city[HOSHI_NTA_UTF8(HOSHI_NTA_ADDR_CHARS)];
    char street[HOSHI_NTA_UTF8(HOSHI_NTA_ADDR_CHARS)];
    int pref_code;                /* 1..47, 99 abroad, 0 empty */
    char close_date[11];          /* 登記記録の閉鎖等年月日, "" while open */
    char close_cause[3];          /* 01, 11, 21, 31 or "" */
    char successor[HOSHI_CORPNUM_LEN + 1]; /* 承継先法人番号 or "" */
    bool latest;                  /* 最新履歴: 1 the current state of the number */
    char furigana[HOSHI_NTA_UTF8(HOSHI_NTA_KANA_CHARS)];
    bool hidden;                  /* 検索対象除外 */
} hoshi_nta_corp;

/* Parses one line (len bytes, no line break; a UTF-8 byte-order mark
 * already taken off) into *out.  HOSHI_ERR_INPUT with a detail naming the
 * column and what is wrong with it (the caller adds file and line);
 * HOSHI_ERR_LIMIT when the line is longer than HOSHI_NTA_LINE_MAX. */
hoshi_err hoshi_nta_parse_line(const char *line, size_t len, hoshi_nta_corp *out);

/* The agency's file opened for reading: the .zip it is published as
 * (exactly one .csv inside) or that .csv.  HOSHI_ERR_IO when it cannot
 * be read, HOSHI_ERR_INPUT for an archive that is not one or holds no
 * single .csv.  The caller closes it with hoshi_nta_file_close. */
typedef struct hoshi_nta_file hoshi_nta_file;
hoshi_err hoshi_nta_file_open(const char *path, hoshi_nta_file **out);
/* The next line's record (line breaks LF or CR LF, a UTF-8 byte-order
 * mark before line 1 ignored), or *end after the last.  Errors as for
 * hoshi_nta_parse_line; HOSHI_ERR_LIMIT for a line longer than
 * HOSHI_NTA_LINE_MAX; hoshi_nta_file_line() names the line. */
hoshi_err hoshi_nta_file_next(hoshi_nta_file *f, hoshi_nta_corp *out, bool *end);
/* Lines read so far: the number of the line last returned or refused. */
long hoshi_nta_file_line(const hoshi_nta_file *f);
void hoshi_nta_file_close(hoshi_nta_file *f);

/* The form of a name that registered and typed names are compared in:
 * its search key as a registry search makes it of a query
 * (hoshi_namekey_query with the default legal forms of hoshi/namekey.h):
 * NFKC with case folding, katakana as hiragana, white space and
 * punctuation dropped, legal forms such as 株式会社, (株) and ㈱ left out
 * (kept when the name is nothing else).  *out is malloc'd (the caller
 * frees it).  HOSHI_ERR_INPUT when name is not valid UTF-8, HOSHI_ERR_LIMIT
 * past HOSHI_NAMEKEY_INPUT_MAX bytes, HOSHI_ERR_DATA when the legal forms
 * cannot be read. */
hoshi_err hoshi_nta_name_key(const char *name, char **out);

/* True when both names have the same key.  False when either is not a
 * name (invalid UTF-8, too long), the legal forms cannot be read or
 * memory runs out. */
bool hoshi_nta_name_matches(const char *a, const char *b);

#endif
