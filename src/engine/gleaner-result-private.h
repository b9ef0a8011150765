/* gleaner-result-private.h: setters the engine's threads use while a result is
 * still theirs (before it is delivered)
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "gleaner-result.h"

G_BEGIN_DECLS

/* Ownership: a result belongs to exactly one thread at a time (the fetch worker,
 * then the parser thread, then the delivery batch, then the owner's main
 * thread). Only the thread that owns it may call these; none of them notify. */

void _gleaner_result_set_final_url      (GleanerResult         *self,
                                         const char            *final_url,
                                         guint                  redirect_count);
void _gleaner_result_set_status         (GleanerResult         *self,
                                         guint                  status,
                                         const char            *reason);
void _gleaner_result_set_content_type   (GleanerResult         *self,
                                         const char            *content_type);
void _gleaner_result_set_body           (GleanerResult         *self,
                                         guint64                body_bytes,
                                         gboolean               truncated);
void _gleaner_result_set_attempts       (GleanerResult         *self,
                                         guint                  attempts);
void _gleaner_result_set_elapsed        (GleanerResult         *self,
                                         double                 seconds);
void _gleaner_result_set_error          (GleanerResult         *self,
                                         GleanerError           kind,
                                         const char            *message);
void _gleaner_result_take_facts         (GleanerResult         *self,
                                         GleanerPageFacts      *facts);
void _gleaner_result_move_to_owner      (GleanerResult         *self);

G_END_DECLS
