/* gleaner-result-list.h: the rows of a window, a GListModel of GleanerResult fed in batches
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "gleaner-result.h"

G_BEGIN_DECLS

#define GLEANER_TYPE_RESULT_LIST (gleaner_result_list_get_type ())

G_DECLARE_FINAL_TYPE (GleanerResultList, gleaner_result_list, GLEANER, RESULT_LIST, GObject)

GleanerResultList *gleaner_result_list_new           (void);
void               gleaner_result_list_apply         (GleanerResultList *self,
                                                      GPtrArray         *results);
GleanerResult     *gleaner_result_list_peek          (GleanerResultList *self,
                                                      guint              position);
GleanerResult     *gleaner_result_list_lookup        (GleanerResultList *self,
                                                      guint64            id);
void               gleaner_result_list_set_pending   (GleanerResultList *self,
                                                      const guint64     *ids,
                                                      guint              n_ids,
                                                      gboolean           pending);
void               gleaner_result_list_clear_pending (GleanerResultList *self);
gboolean           gleaner_result_list_is_pending    (GleanerResultList *self,
                                                      guint64            id);
GPtrArray         *gleaner_result_list_collect_failed (GleanerResultList *self);
void               gleaner_result_list_clear         (GleanerResultList *self);
guint              gleaner_result_list_get_n_succeeded (GleanerResultList *self);
guint              gleaner_result_list_get_n_failed  (GleanerResultList *self);
guint              gleaner_result_list_get_n_pending (GleanerResultList *self);

G_END_DECLS
