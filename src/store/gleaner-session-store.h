/* gleaner-session-store.h: a crash-safe journal of sessions (input list and results) in SQLite
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "gleaner-result.h"
#include "gleaner-session-info.h"

G_BEGIN_DECLS

#define GLEANER_STORE_ERROR (gleaner_store_error_quark ())

/**
 * GleanerStoreError:
 * @GLEANER_STORE_ERROR_CORRUPT: the file is not an SQLite database, is damaged,
 *   or belongs to another program. gleaner_session_store_move_aside() and a
 *   fresh store are the way out.
 * @GLEANER_STORE_ERROR_TOO_NEW: the file was written by a newer Gleaner (its
 *   schema version is higher than %GLEANER_SESSION_STORE_SCHEMA_VERSION); it is
 *   left untouched.
 * @GLEANER_STORE_ERROR_IO: the file or its folder could not be created, read or
 *   written (permissions, disk full, locked by another process, ...).
 *
 * Error codes in the %GLEANER_STORE_ERROR domain. Messages name the file and
 * say what happened; they are technical text in English, so a window should
 * pick its own (translated) wording from the code and show the message as
 * detail.
 */
typedef enum
{
  GLEANER_STORE_ERROR_CORRUPT,
  GLEANER_STORE_ERROR_TOO_NEW,
  GLEANER_STORE_ERROR_IO,
} GleanerStoreError;

/* The schema this build writes, kept in PRAGMA user_version. */
#define GLEANER_SESSION_STORE_SCHEMA_VERSION 1

/**
 * GleanerSessionTarget:
 * @id: the caller's id of the target (what gleaner_pipeline_add() was given)
 * @url: the URL exactly as journaled
 */
typedef struct
{
  guint64  id;
  char    *url;
} GleanerSessionTarget;

/**
 * GleanerSessionContents:
 * @info: the session's summary
 * @input: (nullable): the original input text, exactly as journaled
 * @targets: (element-type GleanerSessionTarget): the targets in input order
 * @results: (element-type GleanerResult): the results, in the order of their
 *   targets (results whose target was never journaled come last, by id); at
 *   most one per target id
 *
 * A whole session as gleaner_session_store_load_session_finish() returns it.
 * Plain data owned by whoever holds it; free with
 * gleaner_session_contents_free().
 */
typedef struct
{
  GleanerSessionInfo *info;
  char               *input;
  GArray             *targets;
  GPtrArray          *results;
} GleanerSessionContents;

void                    gleaner_session_contents_free                (GleanerSessionContents *contents);
GArray                 *gleaner_session_contents_get_missing         (GleanerSessionContents *contents,
                                                                      gboolean                cancelled_is_missing);

#define GLEANER_TYPE_SESSION_STORE (gleaner_session_store_get_type ())

G_DECLARE_FINAL_TYPE (GleanerSessionStore, gleaner_session_store, GLEANER, SESSION_STORE, GObject)

/* A store belongs to the thread that made it (the main thread): call it from
 * there; callbacks and "write-error" notifications arrive there. The journal
 * calls (begin, add, set, rename) only enqueue work for the store's writer
 * thread and never touch the disk; reads and the delete are _async; only
 * gleaner_session_store_flush(), and dropping the last reference (which
 * writes what is still queued, then closes), block. Every string is stored
 * and given back byte for byte; none is ever part of SQL text. */

GQuark                  gleaner_store_error_quark                    (void);

char                   *gleaner_session_store_get_default_path       (void);
gboolean                gleaner_session_store_move_aside             (const char             *path,
                                                                      char                  **new_path,
                                                                      GError                **error);

GleanerSessionStore    *gleaner_session_store_new                    (const char             *path,
                                                                      GCancellable           *cancellable,
                                                                      GError                **error);
void                    gleaner_session_store_new_async              (const char             *path,
                                                                      GCancellable           *cancellable,
                                                                      GAsyncReadyCallback     callback,
                                                                      gpointer                user_data);
GleanerSessionStore    *gleaner_session_store_new_finish             (GAsyncResult           *result,
                                                                      GError                **error);
const char             *gleaner_session_store_get_path               (GleanerSessionStore    *self);
const GError           *gleaner_session_store_get_write_error        (GleanerSessionStore    *self);

/* Journal: these only enqueue and return at once (no disk access). */
gint64                  gleaner_session_store_begin_session          (GleanerSessionStore    *self,
                                                                      const char             *title);
void                    gleaner_session_store_add_targets            (GleanerSessionStore    *self,
                                                                      gint64                  session_id,
                                                                      const guint64          *ids,
                                                                      const char * const     *urls,
                                                                      gsize                   n_targets,
                                                                      const char             *input);
void                    gleaner_session_store_add_results            (GleanerSessionStore    *self,
                                                                      gint64                  session_id,
                                                                      GPtrArray              *results);
void                    gleaner_session_store_add_result             (GleanerSessionStore    *self,
                                                                      gint64                  session_id,
                                                                      GleanerResult          *result);
void                    gleaner_session_store_set_finished           (GleanerSessionStore    *self,
                                                                      gint64                  session_id,
                                                                      gboolean                finished);
void                    gleaner_session_store_rename_session         (GleanerSessionStore    *self,
                                                                      gint64                  session_id,
                                                                      const char             *title);

/* Blocking: waits until everything enqueued so far is on disk. */
gboolean                gleaner_session_store_flush                  (GleanerSessionStore    *self,
                                                                      GError                **error);
void                    gleaner_session_store_flush_async            (GleanerSessionStore    *self,
                                                                      GCancellable           *cancellable,
                                                                      GAsyncReadyCallback     callback,
                                                                      gpointer                user_data);
gboolean                gleaner_session_store_flush_finish           (GleanerSessionStore    *self,
                                                                      GAsyncResult           *result,
                                                                      GError                **error);

/* Reads (and the delete) run in a thread; each sees every write enqueued
 * before it was called. */
void                    gleaner_session_store_list_sessions_async    (GleanerSessionStore    *self,
                                                                      GCancellable           *cancellable,
                                                                      GAsyncReadyCallback     callback,
                                                                      gpointer                user_data);
GListModel             *gleaner_session_store_list_sessions_finish   (GleanerSessionStore    *self,
                                                                      GAsyncResult           *result,
                                                                      GError                **error);
void                    gleaner_session_store_find_unfinished_async  (GleanerSessionStore    *self,
                                                                      GCancellable           *cancellable,
                                                                      GAsyncReadyCallback     callback,
                                                                      gpointer                user_data);
GleanerSessionInfo     *gleaner_session_store_find_unfinished_finish (GleanerSessionStore    *self,
                                                                      GAsyncResult           *result,
                                                                      GError                **error);
void                    gleaner_session_store_load_session_async     (GleanerSessionStore    *self,
                                                                      gint64                  session_id,
                                                                      GCancellable           *cancellable,
                                                                      GAsyncReadyCallback     callback,
                                                                      gpointer                user_data);
GleanerSessionContents *gleaner_session_store_load_session_finish    (GleanerSessionStore    *self,
                                                                      GAsyncResult           *result,
                                                                      GError                **error);
void                    gleaner_session_store_delete_session_async   (GleanerSessionStore    *self,
                                                                      gint64                  session_id,
                                                                      GCancellable           *cancellable,
                                                                      GAsyncReadyCallback     callback,
                                                                      gpointer                user_data);
gboolean                gleaner_session_store_delete_session_finish  (GleanerSessionStore    *self,
                                                                      GAsyncResult           *result,
                                                                      GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GleanerSessionContents, gleaner_session_contents_free)

G_END_DECLS
