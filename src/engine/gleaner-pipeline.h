/* gleaner-pipeline.h: the concurrent fetch -> parse -> deliver pipeline of one run
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "gleaner-config.h"
#include "gleaner-result.h"

G_BEGIN_DECLS

#define GLEANER_TYPE_PIPELINE (gleaner_pipeline_get_type ())

G_DECLARE_FINAL_TYPE (GleanerPipeline, gleaner_pipeline, GLEANER, PIPELINE, GObject)

/* A pipeline belongs to the thread whose thread-default GMainContext was current
 * when it was created (the owner). Every function below must be called on the
 * owner's thread; signals and notifications are emitted there, in batches:
 *
 *   ::results (GPtrArray *results)  element-type GleanerResult, transfer none;
 *                                    several results per emission
 *   ::finished ()                   after gleaner_pipeline_close() once every
 *                                    target has its result (not after a cancel)
 *
 * Properties (read-only, notified on the owner's thread after each batch):
 * "n-added", "n-done", "n-succeeded", "n-failed", "running", "cancelled".
 */

GleanerPipeline *gleaner_pipeline_new             (const GleanerConfig *config);
const GleanerConfig *gleaner_pipeline_get_config  (GleanerPipeline     *self);
/* Adds one target; @id is the caller's (results carry it back). A URL that is
 * not fetchable still gets a result (GLEANER_ERROR_INVALID_URL). */
void             gleaner_pipeline_add             (GleanerPipeline     *self,
                                                   guint64              id,
                                                   const char          *url);
/* No more targets will be added: ::finished follows the last result. */
void             gleaner_pipeline_close           (GleanerPipeline     *self);
/* Stops everything at once: no result is delivered after this returns. The
 * threads wind down in the background and free everything they hold. */
void             gleaner_pipeline_cancel          (GleanerPipeline     *self);
guint64          gleaner_pipeline_get_n_added     (GleanerPipeline     *self);
guint64          gleaner_pipeline_get_n_done      (GleanerPipeline     *self);
guint64          gleaner_pipeline_get_n_succeeded (GleanerPipeline     *self);
guint64          gleaner_pipeline_get_n_failed    (GleanerPipeline     *self);
/* Added but not yet delivered: what a caller feeding lazily keeps bounded. */
guint64          gleaner_pipeline_get_n_pending   (GleanerPipeline     *self);
gboolean         gleaner_pipeline_get_running     (GleanerPipeline     *self);
gboolean         gleaner_pipeline_get_cancelled   (GleanerPipeline     *self);

/* Waits (blocking) until the background threads of every pipeline disposed so
 * far have exited. For tests and for process exit; never call it from a UI. */
void             gleaner_pipeline_wait_for_threads (void);

G_END_DECLS
