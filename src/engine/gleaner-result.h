/* gleaner-result.h: the result of one URL
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "gleaner-error.h"
#include "gleaner-types.h"

G_BEGIN_DECLS

#define GLEANER_TYPE_RESULT (gleaner_result_get_type ())

G_DECLARE_FINAL_TYPE (GleanerResult, gleaner_result, GLEANER, RESULT, GObject)

/* A result is built by the engine's threads and is immutable from the moment
 * it is delivered to the owner of a run; every getter may then be called on
 * the owner's thread. All strings are valid UTF-8 or %NULL. */

GleanerResult         *gleaner_result_new_for_url        (guint64        id,
                                                          const char    *url);
guint64                gleaner_result_get_id             (GleanerResult *self);
const char            *gleaner_result_get_url            (GleanerResult *self);
const char            *gleaner_result_get_final_url      (GleanerResult *self);
const char            *gleaner_result_get_display_url    (GleanerResult *self);
guint                  gleaner_result_get_redirect_count (GleanerResult *self);
guint                  gleaner_result_get_status         (GleanerResult *self);
const char            *gleaner_result_get_reason         (GleanerResult *self);
const char            *gleaner_result_get_content_type   (GleanerResult *self);
const char            *gleaner_result_get_encoding       (GleanerResult *self);
GleanerEncodingSource  gleaner_result_get_encoding_source (GleanerResult *self);
const char            *gleaner_result_get_title          (GleanerResult *self);
const char            *gleaner_result_get_description    (GleanerResult *self);
const char            *gleaner_result_get_og_title       (GleanerResult *self);
const char            *gleaner_result_get_og_site_name   (GleanerResult *self);
const char            *gleaner_result_get_canonical      (GleanerResult *self);
const char            *gleaner_result_get_lang           (GleanerResult *self);
const char            *gleaner_result_get_h1             (GleanerResult *self);
const char            *gleaner_result_get_fact           (GleanerResult *self,
                                                          GleanerFields  field);
guint64                gleaner_result_get_body_bytes     (GleanerResult *self);
gboolean               gleaner_result_get_truncated      (GleanerResult *self);
guint                  gleaner_result_get_attempts       (GleanerResult *self);
double                 gleaner_result_get_elapsed        (GleanerResult *self);
GleanerError           gleaner_result_get_error_kind     (GleanerResult *self);
const char            *gleaner_result_get_error_message  (GleanerResult *self);
gboolean               gleaner_result_get_succeeded      (GleanerResult *self);

G_END_DECLS
