/*
 * undo_registry.h — SQL that takes an SQLite store of schema version 17
 * back to 16 (the registry search's tables out, org_grams and the two
 * organisation indexes back), for the tests that rewind the schema to
 * check an older migration (test_store_search.c, test_store_policy.c):
 * they undo every migration after the one they test, newest first.
 */
#ifndef HOSHI_TEST_UNDO_REGISTRY_H
#define HOSHI_TEST_UNDO_REGISTRY_H

#define HI_TEST_UNDO_18 "DROP TABLE supplier_consents; DROP TABLE suppliers;"

#define HI_TEST_UNDO_17                                                                         \
    "DROP TRIGGER registry_decl_insert; DROP TRIGGER registry_decl_update;"                     \
    "DROP TRIGGER registry_decl_delete; DROP TRIGGER registry_org_update;"                      \
    "DROP TABLE registry_grams; DROP TABLE registry;"                                           \
    "CREATE TABLE org_grams(gram TEXT NOT NULL,"                                                \
    " org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"                           \
    " PRIMARY KEY (gram, org_id)) WITHOUT ROWID;"                                               \
    "CREATE INDEX org_grams_org ON org_grams(org_id);"                                          \
    "CREATE TRIGGER orgs_grams_insert AFTER INSERT ON orgs BEGIN"                               \
    " INSERT OR IGNORE INTO org_grams(gram, org_id)"                                            \
    "  SELECT substr(NEW.name_key, n, 2), NEW.id FROM gram_pos WHERE n < length(NEW.name_key); END;" \
    "CREATE TRIGGER orgs_grams_update AFTER UPDATE OF name_key ON orgs BEGIN"                   \
    " DELETE FROM org_grams WHERE org_id = NEW.id;"                                             \
    " INSERT OR IGNORE INTO org_grams(gram, org_id)"                                            \
    "  SELECT substr(NEW.name_key, n, 2), NEW.id FROM gram_pos WHERE n < length(NEW.name_key); END;" \
    "CREATE INDEX orgs_pref_key ON orgs(prefecture, name_key);"                                 \
    "CREATE INDEX orgs_industry ON orgs(industry, prefecture);"

#endif
