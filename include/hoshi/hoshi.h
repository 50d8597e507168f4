/*
 * hoshi.h — the public API of libhoshi in one include.
 *
 * libhoshi is the engine of hoshi, a platform for SME information-security
 * self-declaration programmes (★ five principles, ★★ 25-item
 * self-diagnosis and a basic policy).  Front ends (the hoshi command, the
 * web application) use only what these headers declare.
 */
#ifndef HOSHI_HOSHI_H
#define HOSHI_HOSHI_H

#define HOSHI_VERSION "0.1.0"

#include "hoshi/error.h"
#include "hoshi/buf.h"
#include "hoshi/datafile.h"
#include "hoshi/catalog.h"
#include "hoshi/date.h"
#include "hoshi/diag.h"
#include "hoshi/plan.h"
#include "hoshi/policy.h"
#include "hoshi/report.h"
#include "hoshi/survey.h"
#include "hoshi/csv.h"
#include "hoshi/survey_fa.h"
#include "hoshi/weights.h"
#include "hoshi/attrs.h"
#include "hoshi/registry_data.h"
#include "hoshi/survey_export.h"
#include "hoshi/book.h"
#include "hoshi/form.h"
#include "hoshi/text.h"
#include "hoshi/ids.h"
#include "hoshi/namekey.h"
#include "hoshi/store.h"
#include "hoshi/store_accounts.h"
#include "hoshi/store_member.h"
#include "hoshi/store_registry.h"
#include "hoshi/store_survey.h"
#include "hoshi/nta.h"
#include "hoshi/store_nta.h"
#include "hoshi/store_outbox.h"
#include "hoshi/store_policy.h"
#include "hoshi/store_audit.h"
#include "hoshi/store_suppliers.h"
#include "hoshi/mail.h"
#include "hoshi/qr.h"
#include "hoshi/sign.h"
#include "hoshi/cases.h"
#include "hoshi/support.h"

#endif
