/* gleaner-session-store.c: a crash-safe journal of sessions (input list and results) in SQLite
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "gleaner-result-private.h"
#include "gleaner-sync-private.h"
#include "gleaner-title-parser.h"
#include "gleaner-session-store.h"

/*
 * Threads and hand-offs
 *
 *   owner thread ── begin / add / set / rename / delete ──► GAsyncQueue of StoreOp
 *        │                                          (pushing hands the op to the writer)
 *        │                                                      │
 *        │                                                      ▼
 *        │                            writer thread: owns the write connection;
 *        │                            BEGIN IMMEDIATE, apply what is queued, COMMIT
 *        │                            (at most 500 rows or 100 ms per transaction,
 *        │                            and at once when the queue runs dry)
 *        │                                                      │
 *        ├── flush() waits on a Barrier ◄── released after the COMMIT that covers
 *        │                                  everything queued before it
 *        │
 *        └── *_async reads: a GTask thread waits on its Barrier (so a read sees
 *            every write enqueued before it), then opens its own read-only
 *            connection, queries, builds plain objects and closes it.
 *
 *   write failures ──► an idle source on the owner's context ──► "write-error"
 *
 * The writer never holds a reference to the GObject (it would deadlock if its
 * last unref ran dispose, which joins the writer): it only sees a StoreLink.
 * SQLite runs in WAL mode with synchronous=NORMAL: a committed transaction
 * survives the process being killed (it is in the WAL, in the page cache); a
 * power cut may lose the last few, never corrupts.
 *
 * Every hand-off above goes through GLib (GAsyncQueue, GMutex and GCond,
 * GTask's thread pool and its return through the owner's main context, an
 * idle source), which ThreadSanitizer cannot see into: each is marked where
 * it happens with gleaner-sync-private.h. Each connection is used by one
 * thread only (SQLITE_OPEN_NOMUTEX), so no ordering rests on SQLite's locks.
 */

#define APPLICATION_ID   0x474c4e52             /* "GLNR", in PRAGMA application_id */
#define BATCH_MAX_ROWS   500
#define BATCH_MAX_USEC   (100 * G_TIME_SPAN_MILLISECOND)
#define BUSY_TIMEOUT_MS  5000
#define PROGRESS_STEPS   1000                   /* VM steps between cancellation checks */
#define BARRIER_POLL_USEC (50 * G_TIME_SPAN_MILLISECOND)

/* A point in the writer's queue. Shared by the thread that waits for it (the
 * owner in flush(), a pool thread for the async variants) and the writer,
 * which releases it after the commit covering everything queued before it.
 * Reference counted (g_atomic_rc_box); the fields below are guarded by `lock`. */
typedef struct
{
  GMutex    lock;
  GCond     cond;
  gboolean  done;
  gboolean  report;   /* takes the writer's pending error (flush, delete) */
  GError   *error;
} Barrier;

/* What the writer knows of the store: the owner's context and a weak
 * reference resolved only there. Reference counted (the store, the writer
 * and each pending delivery); immutable after creation. */
typedef struct
{
  GMainContext *context;
  GWeakRef      store;
} StoreLink;

typedef enum
{
  OP_BEGIN,
  OP_TARGETS,
  OP_RESULTS,
  OP_FINISHED,
  OP_RENAME,
  OP_DELETE,
  OP_BARRIER,
  OP_SHUTDOWN,
} OpKind;

/* One journal operation. Built on the owner thread; pushing it onto the queue
 * (gleaner_async_queue_push) hands it to the writer thread, which frees it as
 * soon as it is applied (so the results it references are released with the
 * batch that wrote them). */
typedef struct
{
  OpKind     kind;
  gint64     session_id;
  gint64     time;        /* when it was enqueued, µs since the epoch */
  gboolean   flag;        /* FINISHED */
  char      *text;        /* BEGIN, RENAME: title; TARGETS: input text */
  GArray    *ids;         /* TARGETS: guint64 */
  GPtrArray *urls;        /* TARGETS: char * */
  GPtrArray *results;     /* RESULTS: GleanerResult (delivered, immutable) */
  Barrier   *barrier;     /* BARRIER */
} StoreOp;

enum {
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_INSERT_SESSION,
  STMT_TOUCH_SESSION,
  STMT_NEXT_POSITION,
  STMT_UPSERT_TARGET,
  STMT_SET_INPUT,
  STMT_REPLACE_RESULT,
  STMT_SET_FINISHED,
  STMT_SET_TITLE,
  STMT_DELETE_RESULTS,
  STMT_DELETE_TARGETS,
  STMT_DELETE_SESSION,
  STMT_VACUUM,
  N_STMTS
};

static const char * const writer_sql[N_STMTS] = {
  [STMT_BEGIN] = "BEGIN IMMEDIATE",
  [STMT_COMMIT] = "COMMIT",
  [STMT_ROLLBACK] = "ROLLBACK",
  [STMT_INSERT_SESSION] =
    "INSERT INTO sessions (id, title, created, updated, finished) VALUES (?1, ?2, ?3, ?3, 0)",
  [STMT_TOUCH_SESSION] = "UPDATE sessions SET updated = max (updated, ?2) WHERE id = ?1",
  [STMT_NEXT_POSITION] =
    "SELECT coalesce (max (position) + 1, 0) FROM targets WHERE session_id = ?1",
  [STMT_UPSERT_TARGET] =
    "INSERT INTO targets (session_id, target_id, position, url) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (session_id, target_id) DO UPDATE SET url = excluded.url",
  [STMT_SET_INPUT] = "UPDATE sessions SET input = ?2 WHERE id = ?1",
  [STMT_REPLACE_RESULT] =
    "INSERT OR REPLACE INTO results (session_id, target_id, url, final_url, redirect_count, "
    "status, reason, content_type, encoding, encoding_source, title, description, og_title, "
    "og_site_name, canonical, lang, h1, body_bytes, truncated, attempts, elapsed, error_kind, "
    "error_message, stored) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
    "?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)",
  [STMT_SET_FINISHED] = "UPDATE sessions SET finished = ?2 WHERE id = ?1",
  [STMT_SET_TITLE] = "UPDATE sessions SET title = ?2 WHERE id = ?1",
  [STMT_DELETE_RESULTS] = "DELETE FROM results WHERE session_id = ?1",
  [STMT_DELETE_TARGETS] = "DELETE FROM targets WHERE session_id = ?1",
  [STMT_DELETE_SESSION] = "DELETE FROM sessions WHERE id = ?1",
  [STMT_VACUUM] = "PRAGMA incremental_vacuum",
};

/* The writer thread's state. Made by initable_init, then owned by the writer
 * thread alone, which frees it (and closes the connection) when it exits. */
typedef struct
{
  sqlite3      *db;
  char         *path;
  GAsyncQueue  *queue;
  StoreLink    *link;
  sqlite3_stmt *stmts[N_STMTS];
  GHashTable   *next_position;   /* session id → next target position */
  gint64        tx_start;
  guint         tx_rows;
  gboolean      in_tx;
  gint64        fail_time;       /* when the last failure happened (real time) */
  gboolean      reported;        /* a failure was delivered since the last good commit */
  GError       *pending_error;   /* first failure since the last reporting barrier */
} Writer;

struct _GleanerSessionStore
{
  GObject       parent_instance;

  /* owned */
  char         *path;
  GAsyncQueue  *queue;           /* shared with the writer, see StoreOp */
  GThread      *writer_thread;
  StoreLink    *link;
  GError       *write_error;
};

static void gleaner_session_store_initable_iface_init       (GInitableIface      *iface);
static void gleaner_session_store_async_initable_iface_init (GAsyncInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GleanerSessionStore, gleaner_session_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      gleaner_session_store_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_INITABLE,
                                                      gleaner_session_store_async_initable_iface_init))

G_DEFINE_QUARK (gleaner-store-error-quark, gleaner_store_error)

enum {
  PROP_0,
  PROP_PATH,
  PROP_WRITE_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Schema, version 1. Times are µs since the epoch; error_kind and
 * encoding_source hold the engine's stable machine names (NULL for none);
 * title is NULL when the page has no title element. */
static const char schema_v1[] =
  "CREATE TABLE sessions ("
  "  id        INTEGER PRIMARY KEY,"
  "  title     TEXT,"
  "  input     TEXT,"
  "  created   INTEGER NOT NULL,"
  "  updated   INTEGER NOT NULL,"
  "  finished  INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX sessions_by_created ON sessions (created);"
  "CREATE TABLE targets ("
  "  session_id  INTEGER NOT NULL,"
  "  target_id   INTEGER NOT NULL,"
  "  position    INTEGER NOT NULL,"
  "  url         TEXT NOT NULL,"
  "  PRIMARY KEY (session_id, target_id)"
  ");"
  "CREATE TABLE results ("
  "  session_id       INTEGER NOT NULL,"
  "  target_id        INTEGER NOT NULL,"
  "  url              TEXT NOT NULL,"
  "  final_url        TEXT,"
  "  redirect_count   INTEGER NOT NULL,"
  "  status           INTEGER NOT NULL,"
  "  reason           TEXT,"
  "  content_type     TEXT,"
  "  encoding         TEXT,"
  "  encoding_source  TEXT,"
  "  title            TEXT,"
  "  description      TEXT,"
  "  og_title         TEXT,"
  "  og_site_name     TEXT,"
  "  canonical        TEXT,"
  "  lang             TEXT,"
  "  h1               TEXT,"
  "  body_bytes       INTEGER NOT NULL,"
  "  truncated        INTEGER NOT NULL,"
  "  attempts         INTEGER NOT NULL,"
  "  elapsed          REAL NOT NULL,"
  "  error_kind       TEXT,"
  "  error_message    TEXT,"
  "  stored           INTEGER NOT NULL,"
  "  PRIMARY KEY (session_id, target_id)"
  ");";

/* migrations[v] brings a database at version v to version v + 1. */
static const char * const migrations[] = {
  schema_v1,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == GLEANER_SESSION_STORE_SCHEMA_VERSION);

/* The summary of a session, for list, find_unfinished and load. */
#define INFO_SELECT \
  "SELECT s.id, s.title, s.created, s.updated, s.finished," \
  " (SELECT count(*) FROM targets t WHERE t.session_id = s.id)," \
  " (SELECT count(*) FROM results r WHERE r.session_id = s.id)," \
  " (SELECT count(*) FROM results r WHERE r.session_id = s.id AND r.error_kind IS NOT NULL)," \
  " (SELECT count(*) FROM targets t WHERE t.session_id = s.id AND NOT EXISTS" \
  "   (SELECT 1 FROM results r WHERE r.session_id = t.session_id AND r.target_id = t.target_id))" \
  " FROM sessions s"

#define RESULT_COLUMNS \
  "r.target_id, r.url, r.final_url, r.redirect_count, r.status, r.reason, r.content_type," \
  " r.encoding, r.encoding_source, r.title, r.description, r.og_title, r.og_site_name," \
  " r.canonical, r.lang, r.h1, r.body_bytes, r.truncated, r.attempts, r.elapsed," \
  " r.error_kind, r.error_message"

/* Barrier */

static Barrier *
barrier_new (gboolean report)
{
  Barrier *barrier = g_atomic_rc_box_new0 (Barrier);

  g_mutex_init (&barrier->lock);
  g_cond_init (&barrier->cond);
  barrier->report = report;

  return barrier;
}

static void
barrier_clear (Barrier *barrier)
{
  GLEANER_HAPPENS_AFTER (barrier);   /* only the last release gets here */
  g_mutex_clear (&barrier->lock);
  g_cond_clear (&barrier->cond);
  g_clear_error (&barrier->error);
}

/* The waiter and the writer each hold a reference; whichever drops the last
 * one frees the barrier after the other's last use of it. g_atomic_rc_box
 * orders that inside GLib, where TSan cannot see it. */
static void
barrier_unref (Barrier *barrier)
{
  GLEANER_HAPPENS_BEFORE (barrier);
  g_atomic_rc_box_release_full (barrier, (GDestroyNotify)barrier_clear);
}

static void
barrier_release (Barrier *barrier,
                 GError  *error)
{
  gleaner_mutex_lock (&barrier->lock);
  barrier->done = TRUE;
  barrier->error = error;
  g_cond_broadcast (&barrier->cond);
  gleaner_mutex_unlock (&barrier->lock);
}

static gboolean
barrier_wait (Barrier       *barrier,
              GCancellable  *cancellable,
              GError       **error)
{
  gboolean ret = TRUE;

  gleaner_mutex_lock (&barrier->lock);
  /* Polls the cancellable: waiting is cancellable, the write it waits for is not. */
  while (!barrier->done && ret)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        ret = FALSE;
      else
        gleaner_cond_wait_until (&barrier->cond, &barrier->lock,
                                 g_get_monotonic_time () + BARRIER_POLL_USEC);
    }
  if (ret && barrier->error != NULL)
    {
      g_propagate_error (error, g_error_copy (barrier->error));
      ret = FALSE;
    }
  gleaner_mutex_unlock (&barrier->lock);

  return ret;
}

/* StoreLink */

static StoreLink *
store_link_new (GleanerSessionStore *store)
{
  StoreLink *link = g_atomic_rc_box_new0 (StoreLink);

  link->context = g_main_context_ref_thread_default ();
  g_weak_ref_init (&link->store, store);

  return link;
}

static void
store_link_clear (StoreLink *link)
{
  GLEANER_HAPPENS_AFTER (link);   /* only the last release gets here */
  g_weak_ref_clear (&link->store);
  g_main_context_unref (link->context);
}

static StoreLink *
store_link_ref (StoreLink *link)
{
  return g_atomic_rc_box_acquire (link);
}

/* As barrier_unref(): the store, the writer and each pending delivery hold one. */
static void
store_link_unref (StoreLink *link)
{
  GLEANER_HAPPENS_BEFORE (link);
  g_atomic_rc_box_release_full (link, (GDestroyNotify)store_link_clear);
}

/* StoreOp */

static StoreOp *
store_op_new (OpKind kind,
              gint64 session_id)
{
  StoreOp *op = g_new0 (StoreOp, 1);

  op->kind = kind;
  op->session_id = session_id;
  op->time = g_get_real_time ();

  return op;
}

/* The writer may drop a result's last reference or the owner may, after it
 * (see gleaner_result_finalize()). */
static void
release_results (GPtrArray *results)
{
#ifdef GLEANER_TSAN
  for (guint i = 0; i < results->len; i++)
    GLEANER_HAPPENS_BEFORE (g_ptr_array_index (results, i));
#endif
  g_ptr_array_unref (results);
}

static void
store_op_free (StoreOp *op)
{
  g_free (op->text);
  g_clear_pointer (&op->ids, g_array_unref);
  g_clear_pointer (&op->urls, g_ptr_array_unref);
  g_clear_pointer (&op->results, release_results);
  g_clear_pointer (&op->barrier, barrier_unref);
  g_free (op);
}

/* Errors: the messages reach the person in the window (restore bar,
 * history, toasts), so they are translated; SQLite's own detail is not. */

/* What was being done to the journal when SQLite failed. */
typedef enum {
  JOURNAL_OPEN,
  JOURNAL_READ,
  JOURNAL_WRITE,
} JournalAccess;

static void
set_sqlite_error (GError     **error,
                  const char  *path,
                  sqlite3     *db,
                  int          rc,
                  JournalAccess doing)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *detail = NULL;
  int primary = rc & 0xff;
  int sys_errno = 0;

  if (db != NULL && (primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR ||
                     primary == SQLITE_FULL || primary == SQLITE_PERM ||
                     primary == SQLITE_READONLY))
    sys_errno = sqlite3_system_errno (db);
  if (sys_errno != 0)
    detail = g_strdup_printf ("%s (%s)", db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc),
                              g_strerror (sys_errno));
  else
    detail = g_strdup (db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));

  switch (primary)
    {
    case SQLITE_NOTADB:
      /* Translators: the first %s is a file name, the second SQLite's (English) reason */
      g_set_error (error, GLEANER_STORE_ERROR, GLEANER_STORE_ERROR_CORRUPT,
                   _("“%s” is not a session journal: %s"), display, detail);
      break;
    case SQLITE_CORRUPT:
      /* Translators: the first %s is a file name, the second SQLite's (English) reason */
      g_set_error (error, GLEANER_STORE_ERROR, GLEANER_STORE_ERROR_CORRUPT,
                   _("The session journal “%s” is damaged: %s"), display, detail);
      break;
    default:
      switch (doing)
        {
        case JOURNAL_OPEN:
          /* Translators: the first %s is a file name, the second the reason */
          g_set_error (error, GLEANER_STORE_ERROR, GLEANER_STORE_ERROR_IO,
                       _("Could not open the session journal “%s”: %s"), display, detail);
          break;
        case JOURNAL_READ:
          /* Translators: the first %s is a file name, the second the reason */
          g_set_error (error, GLEANER_STORE_ERROR, GLEANER_STORE_ERROR_IO,
                       _("Could not read the session journal “%s”: %s"), display, detail);
          break;
        case JOURNAL_WRITE:
        default:
          /* Translators: the first %s is a file name, the second the reason */
          g_set_error (error, GLEANER_STORE_ERROR, GLEANER_STORE_ERROR_IO,
                       _("Could not write to the session journal “%s”: %s"), display, detail);
          break;
        }
      break;
    }
}

static void
set_too_new_error (GError     **error,
                   const char  *path,
                   gint64       version)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, GLEANER_STORE_ERROR, GLEANER_STORE_ERROR_TOO_NEW,
               /* Translators: %s is a file name, then two version numbers.
                * Plain %lld: xgettext cannot see through G_GINT64_FORMAT. */
               _("The session journal “%s” was written by a newer version of Gleaner "
                 "(schema version %lld; this version knows up to %d). It was left untouched."),
               display, (long long)version, GLEANER_SESSION_STORE_SCHEMA_VERSION);
}

/* A read or open failed: cancellation wins over SQLite's view of it. */
static void
set_read_error (GError       **error,
                const char    *path,
                sqlite3       *db,
                int            rc,
                GCancellable  *cancellable,
                JournalAccess  doing)
{
  if ((rc & 0xff) == SQLITE_INTERRUPT &&
      g_cancellable_set_error_if_cancelled (cancellable, error))
    return;
  set_sqlite_error (error, path, db, rc, doing);
}

/* Connections */

static int
progress_cb (void *data)
{
  return g_cancellable_is_cancelled (data) ? 1 : 0;
}

static void
watch_cancellable (sqlite3      *db,
                   GCancellable *cancellable)
{
  if (cancellable != NULL)
    sqlite3_progress_handler (db, PROGRESS_STEPS, progress_cb, cancellable);
  else
    sqlite3_progress_handler (db, 0, NULL, NULL);
}

static sqlite3 *
open_connection (const char  *path,
                 gboolean     create,
                 GError     **error)
{
  sqlite3 *db = NULL;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  int rc;

  if (create)
    flags |= SQLITE_OPEN_CREATE;

  rc = sqlite3_open_v2 (path, &db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, path, db, rc, JOURNAL_OPEN);
      sqlite3_close (db);
      return NULL;
    }

  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);

  return db;
}

/* Runs constant SQL (no untrusted data ever reaches this). */
static gboolean
exec_sql (sqlite3       *db,
          const char    *path,
          const char    *sql,
          GCancellable  *cancellable,
          JournalAccess  doing,
          GError       **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_read_error (error, path, db, rc, cancellable, doing);
      return FALSE;
    }

  return TRUE;
}

/* Runs a constant query whose first row's first column is the answer; the
 * answer is copied out as text (NULL when there is no row). */
static gboolean
query_text (sqlite3       *db,
            const char    *path,
            const char    *sql,
            GCancellable  *cancellable,
            char         **out,
            GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  *out = NULL;
  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *out = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        {
          rc = SQLITE_OK;
        }
    }
  if (rc != SQLITE_OK)
    set_read_error (error, path, db, rc, cancellable, JOURNAL_READ);
  sqlite3_finalize (stmt);

  return rc == SQLITE_OK;
}

static gboolean
query_int (sqlite3       *db,
           const char    *path,
           const char    *sql,
           GCancellable  *cancellable,
           gint64        *out,
           GError       **error)
{
  g_autofree char *text = NULL;

  if (!query_text (db, path, sql, cancellable, &text, error))
    return FALSE;
  *out = text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;

  return TRUE;
}

static gboolean
migrate (sqlite3       *db,
         const char    *path,
         GCancellable  *cancellable,
         GError       **error)
{
  gint64 version = 0;

  /* Under the write lock, so two processes opening a new file do not both
   * create the schema. */
  if (!exec_sql (db, path, "BEGIN IMMEDIATE", cancellable, JOURNAL_WRITE, error))
    return FALSE;
  if (!query_int (db, path, "PRAGMA user_version", cancellable, &version, error))
    goto fail;

  if (version > GLEANER_SESSION_STORE_SCHEMA_VERSION)
    {
      set_too_new_error (error, path, version);
      goto fail;
    }

  for (gint64 v = version; v < GLEANER_SESSION_STORE_SCHEMA_VERSION; v++)
    {
      /* PRAGMA takes no parameters; the number is ours, not input. */
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", (int)v + 1);

      g_debug ("Migrating %s from schema version %d", path, (int)v);
      if (!exec_sql (db, path, migrations[v], cancellable, JOURNAL_WRITE, error) ||
          !exec_sql (db, path, set_version, cancellable, JOURNAL_WRITE, error))
        goto fail;
    }
  if (version == 0 &&
      !exec_sql (db, path, "PRAGMA application_id = " G_STRINGIFY (APPLICATION_ID),
                 cancellable, JOURNAL_WRITE, error))
    goto fail;

  return exec_sql (db, path, "COMMIT", cancellable, JOURNAL_WRITE, error);

fail:
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

/* Opens (creating when needed) and checks the journal: an SQLite file, ours,
 * not newer than this build, not damaged; then brings its schema up to date. */
static sqlite3 *
open_journal (const char    *path,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *mode = NULL;
  g_autofree char *check = NULL;
  sqlite3 *db = NULL;
  gint64 version = 0;
  gint64 app_id = 0;
  gint64 n_objects = 0;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_autofree char *dir_display = g_filename_display_name (dir);

      g_set_error (error, GLEANER_STORE_ERROR, GLEANER_STORE_ERROR_IO,
                   _("Could not create the folder “%s” for the session journal: %s"),
                   dir_display, g_strerror (saved_errno));
      return NULL;
    }

  db = open_connection (path, TRUE, error);
  if (db == NULL)
    return NULL;
  watch_cancellable (db, cancellable);

  /* The first read of the header: random bytes fail here (SQLITE_NOTADB). */
  if (!query_int (db, path, "PRAGMA user_version", cancellable, &version, error) ||
      !query_int (db, path, "PRAGMA application_id", cancellable, &app_id, error) ||
      !query_int (db, path, "SELECT count(*) FROM sqlite_master", cancellable, &n_objects, error))
    goto fail;

  if (app_id != APPLICATION_ID && !(app_id == 0 && version == 0 && n_objects == 0))
    {
      g_set_error (error, GLEANER_STORE_ERROR, GLEANER_STORE_ERROR_CORRUPT,
                   _("“%s” is not a session journal: it is an SQLite database of another program"),
                   display);
      goto fail;
    }
  if (version > GLEANER_SESSION_STORE_SCHEMA_VERSION)
    {
      set_too_new_error (error, path, version);
      goto fail;
    }

  /* Only a file without pages can take it, so before WAL mode writes the
   * header: deleting a session then gives its pages back to the file system. */
  if (n_objects == 0 && version == 0 &&
      !exec_sql (db, path, "PRAGMA auto_vacuum = INCREMENTAL", cancellable, JOURNAL_WRITE, error))
    goto fail;

  if (!query_text (db, path, "PRAGMA journal_mode = WAL", cancellable, &mode, error) ||
      !exec_sql (db, path, "PRAGMA synchronous = NORMAL", cancellable, JOURNAL_WRITE, error))
    goto fail;
  if (g_strcmp0 (mode, "wal") != 0)
    g_debug ("%s: journal mode is %s, not WAL (file system without shared memory?)",
             path, mode);

  /* A killed process leaves a consistent file; a truncated or overwritten one
   * only shows when its pages are read, so look at every page once now rather
   * than fail in the middle of a run. Cost: about 0.1 s for 30 MB (100,000 results). */
  if (n_objects > 0)
    {
      if (!query_text (db, path, "PRAGMA quick_check(1)", cancellable, &check, error))
        goto fail;
      if (g_strcmp0 (check, "ok") != 0)
        {
          g_set_error (error, GLEANER_STORE_ERROR, GLEANER_STORE_ERROR_CORRUPT,
                       _("The session journal “%s” is damaged: %s"), display,
                       check != NULL ? check : _("the integrity check gave no answer"));
          goto fail;
        }
    }

  if (version < GLEANER_SESSION_STORE_SCHEMA_VERSION && !migrate (db, path, cancellable, error))
    goto fail;

  watch_cancellable (db, NULL);
  return db;

fail:
  sqlite3_close (db);
  return NULL;
}

/* Writer (runs on the writer thread only) */

typedef struct
{
  StoreLink *link;
  GError    *error;
} WriteErrorDelivery;

static gboolean
write_error_deliver (gpointer data)
{
  WriteErrorDelivery *delivery = data;
  g_autoptr(GleanerSessionStore) self = NULL;

  /* Made by the writer; the idle source is the hand-off. */
  GLEANER_HAPPENS_AFTER (delivery);
  self = g_weak_ref_get (&delivery->link->store);
  if (self != NULL)
    {
      g_clear_error (&self->write_error);
      self->write_error = g_steal_pointer (&delivery->error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WRITE_ERROR]);
    }

  return G_SOURCE_REMOVE;
}

static void
write_error_delivery_free (gpointer data)
{
  WriteErrorDelivery *delivery = data;

  store_link_unref (delivery->link);
  g_clear_error (&delivery->error);
  g_free (delivery);
}

/* Takes @error, built before the failed statement was reset (while SQLite's
 * message was still about it). The transaction is rolled back, and what was
 * queued before the failure is dropped too: that is the batch that is lost.
 * Dropping it also bounds the stall when the file is locked by another
 * process (each op would wait for the busy timeout again). */
static void
writer_fail (Writer *w,
             GError *error)
{
  w->fail_time = g_get_real_time ();

  if (w->in_tx)
    {
      sqlite3_step (w->stmts[STMT_ROLLBACK]);
      sqlite3_reset (w->stmts[STMT_ROLLBACK]);
      w->in_tx = FALSE;
      /* Positions handed out in the lost transaction are harmless gaps, but
       * a rolled back BEGIN may have cached a session that does not exist. */
      g_hash_table_remove_all (w->next_position);
    }

  if (w->pending_error == NULL)
    w->pending_error = g_error_copy (error);

  /* One delivery per failure streak: a full disk fails every statement. */
  if (!w->reported)
    {
      WriteErrorDelivery *delivery = g_new0 (WriteErrorDelivery, 1);

      GSource *source = g_idle_source_new ();

      g_warning ("%s", error->message);
      w->reported = TRUE;
      delivery->link = store_link_ref (w->link);
      delivery->error = g_steal_pointer (&error);
      /* Always a source, never g_main_context_invoke_full(): when the owner's
       * context is the global default and nobody is iterating it (the owner
       * blocked in flush()), invoke acquires it and runs the delivery here,
       * on the writer: "write-error" notified on the wrong thread, racing the
       * owner's reads, and a strong reference to the store held by the writer
       * (whose last unref would join the writer from itself). */
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, write_error_deliver, delivery, write_error_delivery_free);
      g_source_set_static_name (source, "[gleaner] journal write error");
      GLEANER_HAPPENS_BEFORE (delivery);
      g_source_attach (source, w->link->context);
      g_source_unref (source);
    }
  g_clear_error (&error);
}

/* Runs a statement to completion and resets it; FALSE (and the transaction
 * rolled back) on failure. */
static gboolean
writer_step (Writer       *w,
             sqlite3_stmt *stmt)
{
  int rc;

  GError *error = NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  if (rc != SQLITE_DONE)
    set_sqlite_error (&error, w->path, w->db, rc, JOURNAL_WRITE);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (error != NULL)
    {
      writer_fail (w, error);
      return FALSE;
    }

  return TRUE;
}

static gboolean
writer_ensure_tx (Writer *w)
{
  if (w->in_tx)
    return TRUE;
  if (!writer_step (w, w->stmts[STMT_BEGIN]))
    return FALSE;
  w->in_tx = TRUE;
  w->tx_rows = 0;
  w->tx_start = g_get_monotonic_time ();

  return TRUE;
}

static void
writer_commit (Writer *w)
{
  if (!w->in_tx)
    return;
  if (writer_step (w, w->stmts[STMT_COMMIT]))
    {
      w->in_tx = FALSE;
      w->reported = FALSE;
    }
}

/* Counts rows towards the transaction's limits and commits when one is hit. */
static void
writer_tick (Writer *w,
             guint   rows)
{
  w->tx_rows += rows;
  if (w->tx_rows >= BATCH_MAX_ROWS ||
      g_get_monotonic_time () - w->tx_start >= BATCH_MAX_USEC)
    writer_commit (w);
}

/* Marks the session as written to; FALSE when it does not exist (deleted, or
 * its BEGIN failed), and then the op is dropped. */
static gboolean
writer_touch (Writer  *w,
              StoreOp *op)
{
  sqlite3_stmt *stmt = w->stmts[STMT_TOUCH_SESSION];

  if (!writer_ensure_tx (w))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, op->session_id);
  sqlite3_bind_int64 (stmt, 2, op->time);
  if (!writer_step (w, stmt))
    return FALSE;
  if (sqlite3_changes (w->db) == 0)
    {
      g_debug ("Dropping a journal operation for unknown session %" G_GINT64_FORMAT,
               op->session_id);
      return FALSE;
    }

  return TRUE;
}

static gint64
writer_next_position (Writer *w,
                      gint64  session_id)
{
  sqlite3_stmt *stmt = w->stmts[STMT_NEXT_POSITION];
  gpointer value = NULL;
  gint64 next = 0;
  int rc;

  /* Cached: a caller feeding targets a few at a time must not pay a scan each time. */
  if (g_hash_table_lookup_extended (w->next_position, &session_id, NULL, &value))
    return *(gint64 *)value;

  sqlite3_bind_int64 (stmt, 1, session_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    next = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  return next;
}

static void
writer_set_next_position (Writer *w,
                          gint64  session_id,
                          gint64  next)
{
  g_hash_table_insert (w->next_position, g_memdup2 (&session_id, sizeof session_id),
                       g_memdup2 (&next, sizeof next));
}

static void
bind_text (sqlite3_stmt *stmt,
           int           column,
           const char   *text)
{
  /* SQLITE_STATIC: the op holds what the text belongs to until the step is done. */
  if (text != NULL)
    sqlite3_bind_text (stmt, column, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, column);
}

static void
writer_apply_targets (Writer  *w,
                      StoreOp *op)
{
  sqlite3_stmt *stmt = w->stmts[STMT_UPSERT_TARGET];
  gint64 position;

  if (!writer_touch (w, op))
    return;

  if (op->text != NULL)
    {
      sqlite3_bind_int64 (w->stmts[STMT_SET_INPUT], 1, op->session_id);
      bind_text (w->stmts[STMT_SET_INPUT], 2, op->text);
      if (!writer_step (w, w->stmts[STMT_SET_INPUT]))
        return;
    }

  position = writer_next_position (w, op->session_id);
  for (guint i = 0; i < op->ids->len; i++)
    {
      if (!writer_ensure_tx (w))
        return;
      sqlite3_bind_int64 (stmt, 1, op->session_id);
      sqlite3_bind_int64 (stmt, 2, (gint64)g_array_index (op->ids, guint64, i));
      sqlite3_bind_int64 (stmt, 3, position++);
      bind_text (stmt, 4, g_ptr_array_index (op->urls, i));
      if (!writer_step (w, stmt))
        return;
      writer_tick (w, 1);
    }
  writer_set_next_position (w, op->session_id, position);
}

static void
writer_apply_results (Writer  *w,
                      StoreOp *op)
{
  sqlite3_stmt *stmt = w->stmts[STMT_REPLACE_RESULT];

  if (!writer_touch (w, op))
    return;

  for (guint i = 0; i < op->results->len; i++)
    {
      GleanerResult *result = g_ptr_array_index (op->results, i);
      const char *url = gleaner_result_get_url (result);
      const char *final_url = gleaner_result_get_final_url (result);
      GleanerEncodingSource source = gleaner_result_get_encoding_source (result);
      GleanerError kind = gleaner_result_get_error_kind (result);

      if (!writer_ensure_tx (w))
        return;

      sqlite3_bind_int64 (stmt, 1, op->session_id);
      sqlite3_bind_int64 (stmt, 2, (gint64)gleaner_result_get_id (result));
      bind_text (stmt, 3, url);
      bind_text (stmt, 4, g_strcmp0 (final_url, url) != 0 ? final_url : NULL);
      sqlite3_bind_int64 (stmt, 5, gleaner_result_get_redirect_count (result));
      sqlite3_bind_int64 (stmt, 6, gleaner_result_get_status (result));
      bind_text (stmt, 7, gleaner_result_get_reason (result));
      bind_text (stmt, 8, gleaner_result_get_content_type (result));
      bind_text (stmt, 9, gleaner_result_get_encoding (result));
      bind_text (stmt, 10, source != GLEANER_ENCODING_SOURCE_NONE
                             ? gleaner_encoding_source_to_string (source) : NULL);
      bind_text (stmt, 11, gleaner_result_get_title (result));
      bind_text (stmt, 12, gleaner_result_get_description (result));
      bind_text (stmt, 13, gleaner_result_get_og_title (result));
      bind_text (stmt, 14, gleaner_result_get_og_site_name (result));
      bind_text (stmt, 15, gleaner_result_get_canonical (result));
      bind_text (stmt, 16, gleaner_result_get_lang (result));
      bind_text (stmt, 17, gleaner_result_get_h1 (result));
      sqlite3_bind_int64 (stmt, 18, (gint64)MIN (gleaner_result_get_body_bytes (result),
                                                 (guint64)G_MAXINT64));
      sqlite3_bind_int (stmt, 19, gleaner_result_get_truncated (result) ? 1 : 0);
      sqlite3_bind_int64 (stmt, 20, gleaner_result_get_attempts (result));
      sqlite3_bind_double (stmt, 21, gleaner_result_get_elapsed (result));
      bind_text (stmt, 22, kind != GLEANER_ERROR_NONE ? gleaner_error_kind_to_string (kind) : NULL);
      bind_text (stmt, 23, gleaner_result_get_error_message (result));
      sqlite3_bind_int64 (stmt, 24, op->time);

      if (!writer_step (w, stmt))
        return;
      writer_tick (w, 1);
    }
}

static void
writer_apply (Writer  *w,
              StoreOp *op)
{
  sqlite3_stmt *stmt = NULL;

  switch (op->kind)
    {
    case OP_BEGIN:
      if (!writer_ensure_tx (w))
        return;
      stmt = w->stmts[STMT_INSERT_SESSION];
      sqlite3_bind_int64 (stmt, 1, op->session_id);
      bind_text (stmt, 2, op->text);
      sqlite3_bind_int64 (stmt, 3, op->time);
      if (writer_step (w, stmt))
        {
          writer_set_next_position (w, op->session_id, 0);
          writer_tick (w, 1);
        }
      break;

    case OP_TARGETS:
      writer_apply_targets (w, op);
      break;

    case OP_RESULTS:
      writer_apply_results (w, op);
      break;

    case OP_FINISHED:
    case OP_RENAME:
      if (!writer_touch (w, op))
        return;
      if (op->kind == OP_FINISHED)
        {
          stmt = w->stmts[STMT_SET_FINISHED];
          sqlite3_bind_int (stmt, 2, op->flag ? 1 : 0);
        }
      else
        {
          stmt = w->stmts[STMT_SET_TITLE];
          bind_text (stmt, 2, op->text);
        }
      sqlite3_bind_int64 (stmt, 1, op->session_id);
      if (writer_step (w, stmt))
        writer_tick (w, 1);
      break;

    case OP_DELETE:
      if (!writer_ensure_tx (w))
        return;
      for (guint s = STMT_DELETE_RESULTS; s <= STMT_DELETE_SESSION; s++)
        {
          sqlite3_bind_int64 (w->stmts[s], 1, op->session_id);
          if (!writer_step (w, w->stmts[s]))
            return;
        }
      g_hash_table_remove (w->next_position, &op->session_id);
      /* Give the freed pages back to the file system. */
      if (writer_step (w, w->stmts[STMT_VACUUM]))
        writer_tick (w, 1);
      break;

    case OP_BARRIER:
    case OP_SHUTDOWN:
    default:
      g_assert_not_reached ();
    }
}

static Writer *
writer_new (sqlite3      *db,
            const char   *path,
            GAsyncQueue  *queue,
            StoreLink    *link,
            GError      **error)
{
  Writer *w = g_new0 (Writer, 1);

  w->db = db;
  w->path = g_strdup (path);
  w->queue = g_async_queue_ref (queue);
  w->link = store_link_ref (link);
  w->next_position = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  for (guint i = 0; i < N_STMTS; i++)
    {
      int rc = sqlite3_prepare_v3 (db, writer_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                   &w->stmts[i], NULL);

      if (rc != SQLITE_OK)
        {
          set_sqlite_error (error, path, db, rc, JOURNAL_READ);
          for (guint j = 0; j < i; j++)
            sqlite3_finalize (w->stmts[j]);
          g_async_queue_unref (w->queue);
          store_link_unref (w->link);
          g_hash_table_unref (w->next_position);
          g_free (w->path);
          g_free (w);
          return NULL;
        }
    }

  return w;
}

static void
writer_free (Writer *w)
{
  for (guint i = 0; i < N_STMTS; i++)
    sqlite3_finalize (w->stmts[i]);
  /* The last connection to close checkpoints the WAL into the file and removes it. */
  if (sqlite3_close (w->db) != SQLITE_OK)
    g_warning ("Could not close the session journal %s: %s", w->path, sqlite3_errmsg (w->db));
  g_async_queue_unref (w->queue);
  store_link_unref (w->link);
  g_hash_table_unref (w->next_position);
  g_clear_error (&w->pending_error);
  g_free (w->path);
  g_free (w);
}

static gpointer
writer_thread_func (gpointer data)
{
  Writer *w = data;
  gboolean running = TRUE;

  while (running)
    {
      StoreOp *op = gleaner_async_queue_pop (w->queue);

      /* Whatever is queued goes into the current transaction; it is committed
       * when the queue runs dry, at a barrier, or at 500 rows or 100 ms. */
      while (op != NULL)
        {
          if (op->kind == OP_SHUTDOWN)
            {
              running = FALSE;
              store_op_free (op);
              break;
            }

          if (op->kind == OP_BARRIER)
            {
              writer_commit (w);
              barrier_release (op->barrier,
                               op->barrier->report ? g_steal_pointer (&w->pending_error) : NULL);
            }
          else if (op->time > w->fail_time)
            {
              writer_apply (w, op);
            }
          store_op_free (op);
          op = gleaner_async_queue_try_pop (w->queue);
        }

      writer_commit (w);
    }

  writer_free (w);

  return NULL;
}

/* Reads (run in GTask threads) */

typedef enum
{
  JOB_FLUSH,
  JOB_DELETE,
  JOB_LIST,
  JOB_UNFINISHED,
  JOB_LOAD,
} JobKind;

/* The input of one async call: made on the owner thread, then owned by its
 * GTask (task data), read by the task's thread. GTask's thread pool hands it
 * over (GLEANER_HAPPENS_BEFORE/AFTER on the job); what the thread makes comes
 * back to the owner through GTask's return (task_return_*() and the _finish
 * functions, on the task). */
typedef struct
{
  JobKind  kind;
  gint64   session_id;
  char    *path;
  Barrier *barrier;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->path);
  g_clear_pointer (&job->barrier, barrier_unref);
  g_free (job);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *)sqlite3_column_text (stmt, column));
}

static GleanerSessionInfo *
info_from_row (sqlite3_stmt *stmt)
{
  return gleaner_session_info_new (sqlite3_column_int64 (stmt, 0),
                                   (const char *)sqlite3_column_text (stmt, 1),
                                   sqlite3_column_int64 (stmt, 2),
                                   sqlite3_column_int64 (stmt, 3),
                                   (guint64)sqlite3_column_int64 (stmt, 5),
                                   (guint64)sqlite3_column_int64 (stmt, 6),
                                   (guint64)sqlite3_column_int64 (stmt, 7),
                                   (guint64)sqlite3_column_int64 (stmt, 8),
                                   sqlite3_column_int (stmt, 4) != 0);
}

static GleanerEncodingSource
encoding_source_from_string (const char *name)
{
  if (name == NULL)
    return GLEANER_ENCODING_SOURCE_NONE;
  for (guint s = GLEANER_ENCODING_SOURCE_BOM; s <= GLEANER_ENCODING_SOURCE_DEFAULT; s++)
    if (g_strcmp0 (gleaner_encoding_source_to_string (s), name) == 0)
      return s;

  return GLEANER_ENCODING_SOURCE_NONE;
}

static GleanerResult *
result_from_row (sqlite3_stmt *stmt)
{
  GleanerResult *result = gleaner_result_new_for_url ((guint64)sqlite3_column_int64 (stmt, 0),
                                                      (const char *)sqlite3_column_text (stmt, 1));
  const char *kind_name = (const char *)sqlite3_column_text (stmt, 20);
  GleanerError kind = GLEANER_ERROR_NONE;
  GleanerPageFacts *facts = gleaner_page_facts_new ();

  _gleaner_result_set_final_url (result, (const char *)sqlite3_column_text (stmt, 2),
                                 (guint)sqlite3_column_int64 (stmt, 3));
  _gleaner_result_set_status (result, (guint)sqlite3_column_int64 (stmt, 4),
                              (const char *)sqlite3_column_text (stmt, 5));
  _gleaner_result_set_content_type (result, (const char *)sqlite3_column_text (stmt, 6));

  facts->encoding = column_dup (stmt, 7);
  facts->encoding_source =
    encoding_source_from_string ((const char *)sqlite3_column_text (stmt, 8));
  facts->has_title = sqlite3_column_type (stmt, 9) != SQLITE_NULL;
  /* The parser's convention: "" when there is no title element. */
  facts->title = facts->has_title ? column_dup (stmt, 9) : g_strdup ("");
  facts->description = column_dup (stmt, 10);
  facts->og_title = column_dup (stmt, 11);
  facts->og_site_name = column_dup (stmt, 12);
  facts->canonical = column_dup (stmt, 13);
  facts->lang = column_dup (stmt, 14);
  facts->h1 = column_dup (stmt, 15);
  _gleaner_result_take_facts (result, facts);

  _gleaner_result_set_body (result, (guint64)sqlite3_column_int64 (stmt, 16),
                            sqlite3_column_int (stmt, 17) != 0);
  _gleaner_result_set_attempts (result, (guint)sqlite3_column_int64 (stmt, 18));
  _gleaner_result_set_elapsed (result, sqlite3_column_double (stmt, 19));

  /* A name this build does not know cannot come from this schema version;
   * keep the row as a failure rather than turn it into a success. */
  if (kind_name != NULL && !gleaner_error_kind_from_string (kind_name, &kind))
    kind = GLEANER_ERROR_NETWORK;
  _gleaner_result_set_error (result, kind, (const char *)sqlite3_column_text (stmt, 21));

  return result;
}

static void
target_clear (gpointer data)
{
  GleanerSessionTarget *target = data;

  g_clear_pointer (&target->url, g_free);
}

static GArray *
targets_array_new (void)
{
  GArray *targets = g_array_new (FALSE, TRUE, sizeof (GleanerSessionTarget));

  g_array_set_clear_func (targets, target_clear);

  return targets;
}

/* Prepares @sql, binds the session id (when @session_id > 0), and steps
 * through the rows, calling @row for each. */
static gboolean
read_rows (sqlite3       *db,
           const char    *path,
           const char    *sql,
           gint64         session_id,
           GCancellable  *cancellable,
           void         (*row) (sqlite3_stmt *stmt,
                                gpointer      user_data),
           gpointer       user_data,
           GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      if (session_id > 0)
        sqlite3_bind_int64 (stmt, 1, session_id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        row (stmt, user_data);
    }
  if (rc != SQLITE_DONE)
    set_read_error (error, path, db, rc, cancellable, JOURNAL_READ);
  sqlite3_finalize (stmt);

  return rc == SQLITE_DONE;
}

static void
info_row_to_store (sqlite3_stmt *stmt,
                   gpointer      user_data)
{
  g_autoptr(GleanerSessionInfo) info = info_from_row (stmt);

  g_list_store_append (user_data, info);
}

static void
info_row_to_pointer (sqlite3_stmt *stmt,
                     gpointer      user_data)
{
  GleanerSessionInfo **info = user_data;

  g_clear_object (info);
  *info = info_from_row (stmt);
}

static void
input_row (sqlite3_stmt *stmt,
           gpointer      user_data)
{
  GleanerSessionContents *contents = user_data;

  g_free (contents->input);
  contents->input = column_dup (stmt, 0);
}

static void
target_row (sqlite3_stmt *stmt,
            gpointer      user_data)
{
  GleanerSessionTarget target;

  target.id = (guint64)sqlite3_column_int64 (stmt, 0);
  target.url = column_dup (stmt, 1);
  g_array_append_val (user_data, target);
}

static void
result_row (sqlite3_stmt *stmt,
            gpointer      user_data)
{
  g_ptr_array_add (user_data, result_from_row (stmt));
}

/* What a task's thread returns reaches the owner through its main context:
 * everything the thread did before is visible to the _finish function. */
static void
task_return_pointer (GTask          *task,
                     gpointer        value,
                     GDestroyNotify  value_free)
{
  GLEANER_HAPPENS_BEFORE (task);
  g_task_return_pointer (task, value, value_free);
}

static void
task_return_boolean (GTask    *task,
                     gboolean  value)
{
  GLEANER_HAPPENS_BEFORE (task);
  g_task_return_boolean (task, value);
}

static void
task_return_error (GTask  *task,
                   GError *error)
{
  GLEANER_HAPPENS_BEFORE (task);
  g_task_return_error (task, error);
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  GLEANER_HAPPENS_AFTER (job);
  if (!barrier_wait (job->barrier, cancellable, &error))
    {
      task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (job->kind == JOB_FLUSH || job->kind == JOB_DELETE)
    {
      task_return_boolean (task, TRUE);
      return;
    }

  db = open_connection (job->path, FALSE, &error);
  if (db == NULL ||
      !exec_sql (db, job->path, "PRAGMA query_only = 1", cancellable, JOURNAL_READ, &error))
    goto out;
  watch_cancellable (db, cancellable);

  switch (job->kind)
    {
    case JOB_LIST:
      {
        g_autoptr(GListStore) sessions = g_list_store_new (GLEANER_TYPE_SESSION_INFO);

        if (read_rows (db, job->path, INFO_SELECT " ORDER BY s.created DESC, s.id DESC", 0,
                       cancellable, info_row_to_store, sessions, &error))
          task_return_pointer (task, g_steal_pointer (&sessions), g_object_unref);
      }
      break;

    case JOB_UNFINISHED:
      {
        g_autoptr(GleanerSessionInfo) info = NULL;

        if (read_rows (db, job->path,
                       INFO_SELECT " WHERE s.finished = 0"
                       " ORDER BY s.created DESC, s.id DESC LIMIT 1",
                       0, cancellable, info_row_to_pointer, &info, &error))
          task_return_pointer (task, g_steal_pointer (&info), g_object_unref);
      }
      break;

    case JOB_LOAD:
      {
        g_autoptr(GleanerSessionContents) contents = g_new0 (GleanerSessionContents, 1);

        contents->targets = targets_array_new ();
        contents->results = g_ptr_array_new_with_free_func (g_object_unref);

        /* One read transaction, so the four queries see the same snapshot. */
        if (!exec_sql (db, job->path, "BEGIN", cancellable, JOURNAL_READ, &error))
          break;
        if (read_rows (db, job->path, INFO_SELECT " WHERE s.id = ?1", job->session_id,
                       cancellable, info_row_to_pointer, &contents->info, &error) &&
            contents->info == NULL)
          g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _("There is no session %lld in the session journal"),
                       (long long)job->session_id);
        if (error == NULL &&
            read_rows (db, job->path, "SELECT input FROM sessions WHERE id = ?1",
                       job->session_id, cancellable, input_row, contents, &error) &&
            read_rows (db, job->path,
                       "SELECT target_id, url FROM targets WHERE session_id = ?1 ORDER BY position",
                       job->session_id, cancellable, target_row, contents->targets, &error) &&
            read_rows (db, job->path,
                       "SELECT " RESULT_COLUMNS " FROM results r LEFT JOIN targets t"
                       " ON t.session_id = r.session_id AND t.target_id = r.target_id"
                       " WHERE r.session_id = ?1"
                       " ORDER BY t.position IS NULL, t.position, r.target_id",
                       job->session_id, cancellable, result_row, contents->results, &error))
          task_return_pointer (task, g_steal_pointer (&contents),
                               (GDestroyNotify)gleaner_session_contents_free);
        sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
      }
      break;

    case JOB_FLUSH:
    case JOB_DELETE:
    default:
      g_assert_not_reached ();
    }

out:
  sqlite3_close (db);
  if (error != NULL)
    task_return_error (task, g_steal_pointer (&error));
}

/* GObject */

static void
gleaner_session_store_dispose (GObject *object)
{
  GleanerSessionStore *self = (GleanerSessionStore *)object;

  /* Blocks until everything queued is on disk: the shutdown op comes last. */
  if (self->writer_thread != NULL)
    {
      gleaner_async_queue_push (self->queue, store_op_new (OP_SHUTDOWN, 0));
      g_thread_join (g_steal_pointer (&self->writer_thread));
    }

  G_OBJECT_CLASS (gleaner_session_store_parent_class)->dispose (object);
}

static void
gleaner_session_store_finalize (GObject *object)
{
  GleanerSessionStore *self = (GleanerSessionStore *)object;

  g_clear_pointer (&self->queue, g_async_queue_unref);
  g_clear_pointer (&self->link, store_link_unref);
  g_clear_pointer (&self->path, g_free);
  g_clear_error (&self->write_error);

  G_OBJECT_CLASS (gleaner_session_store_parent_class)->finalize (object);
}

static void
gleaner_session_store_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  GleanerSessionStore *self = GLEANER_SESSION_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_WRITE_ERROR:
      g_value_set_boxed (value, self->write_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gleaner_session_store_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  GleanerSessionStore *self = GLEANER_SESSION_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_assert (self->path == NULL);
      self->path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
gleaner_session_store_initable_init (GInitable     *initable,
                                     GCancellable  *cancellable,
                                     GError       **error)
{
  GleanerSessionStore *self = GLEANER_SESSION_STORE (initable);
  sqlite3 *db = NULL;
  Writer *writer = NULL;

  g_return_val_if_fail (self->path != NULL, FALSE);
  g_return_val_if_fail (self->writer_thread == NULL, FALSE);

  db = open_journal (self->path, cancellable, error);
  if (db == NULL)
    return FALSE;

  writer = writer_new (db, self->path, self->queue, self->link, error);
  if (writer == NULL)
    {
      sqlite3_close (db);
      return FALSE;
    }

  /* From here on the writer (and its connection) belongs to the new thread. */
  self->writer_thread = g_thread_new ("gleaner-journal", writer_thread_func, writer);

  return TRUE;
}

static void
gleaner_session_store_initable_iface_init (GInitableIface *iface)
{
  iface->init = gleaner_session_store_initable_init;
}

/* new_async: what GIO's default would do (initable_init in a GTask thread),
 * with its two hand-offs marked: the store constructed on the owner thread
 * goes to the task's thread, and what initable_init set (writer_thread) comes
 * back through the owner's main context. */
static void
init_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;

  GLEANER_HAPPENS_AFTER (source_object);
  if (gleaner_session_store_initable_init (G_INITABLE (source_object), cancellable, &error))
    task_return_boolean (task, TRUE);
  else
    task_return_error (task, error);
}

static void
gleaner_session_store_init_async (GAsyncInitable      *initable,
                                  int                  io_priority,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (initable, cancellable, callback, user_data);

  g_task_set_priority (task, io_priority);
  g_task_set_source_tag (task, gleaner_session_store_init_async);
  GLEANER_HAPPENS_BEFORE (initable);
  g_task_run_in_thread (task, init_thread);
}

static gboolean
gleaner_session_store_init_finish (GAsyncInitable  *initable,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, initable), FALSE);

  GLEANER_HAPPENS_AFTER (result);   /* see task_return_pointer() */
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
gleaner_session_store_async_initable_iface_init (GAsyncInitableIface *iface)
{
  iface->init_async = gleaner_session_store_init_async;
  iface->init_finish = gleaner_session_store_init_finish;
}

static void
gleaner_session_store_class_init (GleanerSessionStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gleaner_session_store_dispose;
  object_class->finalize = gleaner_session_store_finalize;
  object_class->get_property = gleaner_session_store_get_property;
  object_class->set_property = gleaner_session_store_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The latest write failure (GLEANER_STORE_ERROR), notified on the thread
   * that made the store. */
  properties[PROP_WRITE_ERROR] =
    g_param_spec_boxed ("write-error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gleaner_session_store_init (GleanerSessionStore *self)
{
  /* Runs on the caller's thread even for new_async: its context is the owner's. */
  self->queue = g_async_queue_new_full ((GDestroyNotify)store_op_free);
  self->link = store_link_new (self);
}

/* Public API */

/**
 * gleaner_session_store_get_default_path:
 *
 * Returns: (transfer full) (type filename): where the app keeps its journal,
 *   `$XDG_DATA_HOME/gleaner/sessions.sqlite3`
 */
char *
gleaner_session_store_get_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "gleaner", "sessions.sqlite3", NULL);
}

/**
 * gleaner_session_store_move_aside:
 * @path: (type filename): a journal that failed to open with
 *   %GLEANER_STORE_ERROR_CORRUPT (or one the user wants to start over from)
 * @new_path: (out) (optional) (transfer full) (type filename): where it went
 * @error: return location for a %GLEANER_STORE_ERROR_IO error
 *
 * Renames @path to `PATH.corrupt-YYYYMMDD-HHMMSS` (local time; `-2`, `-3`, ...
 * appended if that exists), its `-wal` file along with it, and removes its
 * `-shm` file, so that a new store at @path starts fresh and the old data is
 * kept for whoever wants to rescue it. No store may have @path open.
 *
 * Only renames (no data is copied), so it is cheap enough for any thread.
 *
 * Returns: %TRUE if @path was moved
 */
gboolean
gleaner_session_store_move_aside (const char  *path,
                                  char       **new_path,
                                  GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *target = g_strdup_printf ("%s.corrupt-%s", path, stamp);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_return_val_if_fail (path != NULL, FALSE);

  for (guint n = 2; g_file_test (target, G_FILE_TEST_EXISTS); n++)
    {
      g_free (target);
      target = g_strdup_printf ("%s.corrupt-%s-%u", path, stamp, n);
    }

  if (g_rename (path, target) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, GLEANER_STORE_ERROR, GLEANER_STORE_ERROR_IO,
                   _("Could not move the session journal “%s” aside: %s"),
                   display, g_strerror (saved_errno));
      return FALSE;
    }

  /* A WAL left beside a fresh file would be replayed into it: it goes too. */
  if (g_file_test (wal, G_FILE_TEST_EXISTS))
    {
      g_autofree char *wal_target = g_strconcat (target, "-wal", NULL);

      if (g_rename (wal, wal_target) != 0)
        {
          int saved_errno = errno;
          g_autofree char *display = g_filename_display_name (wal);

          g_set_error (error, GLEANER_STORE_ERROR, GLEANER_STORE_ERROR_IO,
                       _("Could not move the session journal’s log “%s” aside: %s"),
                       display, g_strerror (saved_errno));
          return FALSE;
        }
    }
  if (g_unlink (shm) != 0 && errno != ENOENT)
    g_debug ("Could not remove %s: %s", shm, g_strerror (errno));

  if (new_path != NULL)
    *new_path = g_steal_pointer (&target);

  return TRUE;
}

/**
 * gleaner_session_store_new:
 * @path: (type filename): the journal file; it and its folder are created if missing
 * @cancellable: (nullable): a cancellable
 * @error: return location for a %GLEANER_STORE_ERROR error
 *
 * Opens the journal and starts its writer thread. Opening reads the whole
 * file once to check it (see gleaner_session_store_new_async() for the main
 * thread). The thread that calls this owns the store: "write-error" is
 * notified there.
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error set:
 *   %GLEANER_STORE_ERROR_CORRUPT (offer gleaner_session_store_move_aside()),
 *   %GLEANER_STORE_ERROR_TOO_NEW or %GLEANER_STORE_ERROR_IO
 */
GleanerSessionStore *
gleaner_session_store_new (const char    *path,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_initable_new (GLEANER_TYPE_SESSION_STORE, cancellable, error, "path", path, NULL);
}

/**
 * gleaner_session_store_new_async:
 * @path: (type filename): the journal file
 * @cancellable: (nullable): a cancellable
 * @callback: called on the calling thread's thread-default context
 * @user_data: data for @callback
 *
 * Like gleaner_session_store_new(), with the opening and checking done in a
 * thread: what the window uses at startup.
 */
void
gleaner_session_store_new_async (const char          *path,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (path != NULL);

  g_async_initable_new_async (GLEANER_TYPE_SESSION_STORE, G_PRIORITY_DEFAULT, cancellable,
                              callback, user_data, "path", path, NULL);
}

/**
 * gleaner_session_store_new_finish:
 * @result: the result passed to the callback
 * @error: return location for a %GLEANER_STORE_ERROR error
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error set
 */
GleanerSessionStore *
gleaner_session_store_new_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_autoptr(GObject) source = g_async_result_get_source_object (result);
  GObject *object = g_async_initable_new_finish (G_ASYNC_INITABLE (source), result, error);

  return object != NULL ? GLEANER_SESSION_STORE (object) : NULL;
}

const char *
gleaner_session_store_get_path (GleanerSessionStore *self)
{
  g_return_val_if_fail (GLEANER_IS_SESSION_STORE (self), NULL);
  return self->path;
}

/**
 * gleaner_session_store_get_write_error:
 * @self: a store
 *
 * The journal's writes are fire-and-forget; when one fails (disk full, file
 * locked by another process, ...) what was queued at that moment is lost, the
 * failure is logged and shown here (notified once per streak of failures), and
 * writing goes on with what is enqueued afterwards. gleaner_session_store_flush()
 * reports the same failure.
 *
 * Returns: (nullable) (transfer none): the latest write failure, %NULL if
 *   none happened
 */
const GError *
gleaner_session_store_get_write_error (GleanerSessionStore *self)
{
  g_return_val_if_fail (GLEANER_IS_SESSION_STORE (self), NULL);
  return self->write_error;
}

static void
enqueue (GleanerSessionStore *self,
         StoreOp             *op)
{
  gleaner_async_queue_push (self->queue, op);
}

static Barrier *
enqueue_barrier (GleanerSessionStore *self,
                 gboolean             report)
{
  StoreOp *op = store_op_new (OP_BARRIER, 0);
  Barrier *barrier = barrier_new (report);

  op->barrier = g_atomic_rc_box_acquire (barrier);
  enqueue (self, op);

  return barrier;
}

/* Unique across the stores and threads of this process and, through the
 * time in its upper bits, sorted by creation; the 20 random low bits keep two
 * processes beginning a session in the same millisecond apart. */
static gint64
next_session_id (void)
{
  static GMutex last_id_lock;
  static gint64 last_id = 0;
  gint64 id = ((g_get_real_time () / 1000) << 20) | (g_random_int () & 0xfffff);

  gleaner_mutex_lock (&last_id_lock);
  if (id <= last_id)
    id = last_id + 1;
  last_id = id;
  gleaner_mutex_unlock (&last_id_lock);

  return id;
}

/**
 * gleaner_session_store_begin_session:
 * @self: a store
 * @title: (nullable): a title for the history list (any text; stored as given)
 *
 * Starts journaling a new session. Returns at once: the id is made here, the
 * row is written by the writer thread with the next batch.
 *
 * Returns: the new session's id (positive)
 */
gint64
gleaner_session_store_begin_session (GleanerSessionStore *self,
                                     const char          *title)
{
  StoreOp *op = NULL;
  gint64 session_id;

  g_return_val_if_fail (GLEANER_IS_SESSION_STORE (self), 0);
  g_return_val_if_fail (self->writer_thread != NULL, 0);

  session_id = next_session_id ();
  op = store_op_new (OP_BEGIN, session_id);
  op->text = g_strdup (title);
  enqueue (self, op);

  return session_id;
}

/**
 * gleaner_session_store_add_targets:
 * @self: a store
 * @session_id: a session from gleaner_session_store_begin_session()
 * @ids: (array length=n_targets): the caller's ids of the targets
 * @urls: (array length=n_targets): their URLs, in input order
 * @n_targets: number of targets (may be 0 to set only @input)
 * @input: (nullable): the original input text; replaces the stored one when given
 *
 * Journals targets of a session, appended in input order after those added
 * before. Adding an id again updates its URL and keeps its place. Copies
 * what it is given and returns at once.
 */
void
gleaner_session_store_add_targets (GleanerSessionStore *self,
                                   gint64               session_id,
                                   const guint64       *ids,
                                   const char * const  *urls,
                                   gsize                n_targets,
                                   const char          *input)
{
  StoreOp *op = NULL;

  g_return_if_fail (GLEANER_IS_SESSION_STORE (self));
  g_return_if_fail (self->writer_thread != NULL);
  g_return_if_fail (session_id > 0);
  g_return_if_fail (n_targets == 0 || (ids != NULL && urls != NULL));

  if (n_targets == 0 && input == NULL)
    return;

  op = store_op_new (OP_TARGETS, session_id);
  op->text = g_strdup (input);
  op->ids = g_array_sized_new (FALSE, FALSE, sizeof (guint64), n_targets);
  g_array_append_vals (op->ids, ids, n_targets);
  op->urls = g_ptr_array_new_full (n_targets, g_free);
  for (gsize i = 0; i < n_targets; i++)
    g_ptr_array_add (op->urls, g_strdup (urls[i] != NULL ? urls[i] : ""));
  enqueue (self, op);
}

/**
 * gleaner_session_store_add_results:
 * @self: a store
 * @session_id: a session from gleaner_session_store_begin_session()
 * @results: (element-type GleanerResult): delivered (immutable) results
 *
 * Journals results; a result for a target id that already has one replaces
 * it (a re-run). Takes a reference on each result (no copy, so it is cheap
 * for the owner thread) and drops it as soon as the writer has written it.
 * The results must not change afterwards, which delivered results never do.
 */
void
gleaner_session_store_add_results (GleanerSessionStore *self,
                                   gint64               session_id,
                                   GPtrArray           *results)
{
  StoreOp *op = NULL;

  g_return_if_fail (GLEANER_IS_SESSION_STORE (self));
  g_return_if_fail (self->writer_thread != NULL);
  g_return_if_fail (session_id > 0);
  g_return_if_fail (results != NULL);

  if (results->len == 0)
    return;

  op = store_op_new (OP_RESULTS, session_id);
  op->results = g_ptr_array_new_full (results->len, g_object_unref);
  for (guint i = 0; i < results->len; i++)
    g_ptr_array_add (op->results, g_object_ref (g_ptr_array_index (results, i)));
  enqueue (self, op);
}

/**
 * gleaner_session_store_add_result:
 * @self: a store
 * @session_id: a session from gleaner_session_store_begin_session()
 * @result: a delivered (immutable) result
 *
 * gleaner_session_store_add_results() for one result.
 */
void
gleaner_session_store_add_result (GleanerSessionStore *self,
                                  gint64               session_id,
                                  GleanerResult       *result)
{
  StoreOp *op = NULL;

  g_return_if_fail (GLEANER_IS_SESSION_STORE (self));
  g_return_if_fail (self->writer_thread != NULL);
  g_return_if_fail (session_id > 0);
  g_return_if_fail (GLEANER_IS_RESULT (result));

  op = store_op_new (OP_RESULTS, session_id);
  op->results = g_ptr_array_new_full (1, g_object_unref);
  g_ptr_array_add (op->results, g_object_ref (result));
  enqueue (self, op);
}

/**
 * gleaner_session_store_set_finished:
 * @self: a store
 * @session_id: a session
 * @finished: %TRUE once the run is over (or the window closed normally);
 *   %FALSE when a restored session is being resumed
 *
 * A session that is not finished is what gleaner_session_store_find_unfinished_async()
 * finds after a crash.
 */
void
gleaner_session_store_set_finished (GleanerSessionStore *self,
                                    gint64               session_id,
                                    gboolean             finished)
{
  StoreOp *op = NULL;

  g_return_if_fail (GLEANER_IS_SESSION_STORE (self));
  g_return_if_fail (self->writer_thread != NULL);
  g_return_if_fail (session_id > 0);

  op = store_op_new (OP_FINISHED, session_id);
  op->flag = !!finished;
  enqueue (self, op);
}

/**
 * gleaner_session_store_rename_session:
 * @self: a store
 * @session_id: a session
 * @title: (nullable): the new title (any text; stored as given)
 */
void
gleaner_session_store_rename_session (GleanerSessionStore *self,
                                      gint64               session_id,
                                      const char          *title)
{
  StoreOp *op = NULL;

  g_return_if_fail (GLEANER_IS_SESSION_STORE (self));
  g_return_if_fail (self->writer_thread != NULL);
  g_return_if_fail (session_id > 0);

  op = store_op_new (OP_RENAME, session_id);
  op->text = g_strdup (title);
  enqueue (self, op);
}

/**
 * gleaner_session_store_flush:
 * @self: a store
 * @error: return location for a %GLEANER_STORE_ERROR error
 *
 * Blocks until everything enqueued before the call is committed. For tests
 * and for app shutdown (disposing the store does the same); the window uses
 * gleaner_session_store_flush_async().
 *
 * Returns: %FALSE if a write failed since the last flush (or delete)
 */
gboolean
gleaner_session_store_flush (GleanerSessionStore  *self,
                             GError              **error)
{
  Barrier *barrier = NULL;
  gboolean ret;

  g_return_val_if_fail (GLEANER_IS_SESSION_STORE (self), FALSE);
  g_return_val_if_fail (self->writer_thread != NULL, FALSE);

  barrier = enqueue_barrier (self, TRUE);
  ret = barrier_wait (barrier, NULL, error);
  barrier_unref (barrier);

  return ret;
}

static void
start_job (GleanerSessionStore *self,
           JobKind              kind,
           gint64               session_id,
           gboolean             report,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  job->session_id = session_id;
  job->path = g_strdup (self->path);
  /* Enqueued now, on the owner thread: the job sees every write made before it. */
  job->barrier = enqueue_barrier (self, report);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, job_free);
  GLEANER_HAPPENS_BEFORE (job);
  g_task_run_in_thread (task, job_thread);
}

/**
 * gleaner_session_store_flush_async:
 * @self: a store
 * @cancellable: (nullable): cancels the wait, not the writes
 * @callback: called when everything enqueued before the call is committed
 * @user_data: data for @callback
 */
void
gleaner_session_store_flush_async (GleanerSessionStore *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (GLEANER_IS_SESSION_STORE (self));
  g_return_if_fail (self->writer_thread != NULL);

  start_job (self, JOB_FLUSH, 0, TRUE, gleaner_session_store_flush_async,
             cancellable, callback, user_data);
}

gboolean
gleaner_session_store_flush_finish (GleanerSessionStore  *self,
                                    GAsyncResult         *result,
                                    GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        gleaner_session_store_flush_async, FALSE);

  GLEANER_HAPPENS_AFTER (result);   /* see task_return_pointer() */
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * gleaner_session_store_list_sessions_async:
 * @self: a store
 * @cancellable: (nullable): a cancellable
 * @callback: called on the owner's context
 * @user_data: data for @callback
 *
 * Lists every session, newest first, for the history list.
 */
void
gleaner_session_store_list_sessions_async (GleanerSessionStore *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_return_if_fail (GLEANER_IS_SESSION_STORE (self));
  g_return_if_fail (self->writer_thread != NULL);

  start_job (self, JOB_LIST, 0, FALSE, gleaner_session_store_list_sessions_async,
             cancellable, callback, user_data);
}

/**
 * gleaner_session_store_list_sessions_finish:
 * @self: a store
 * @result: the result passed to the callback
 * @error: return location for a %GLEANER_STORE_ERROR error, or %G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full) (nullable): a #GListModel of #GleanerSessionInfo,
 *   newest first
 */
GListModel *
gleaner_session_store_list_sessions_finish (GleanerSessionStore  *self,
                                            GAsyncResult         *result,
                                            GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        gleaner_session_store_list_sessions_async, NULL);

  GLEANER_HAPPENS_AFTER (result);   /* see task_return_pointer() */
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * gleaner_session_store_find_unfinished_async:
 * @self: a store
 * @cancellable: (nullable): a cancellable
 * @callback: called on the owner's context
 * @user_data: data for @callback
 *
 * Finds the most recent session not marked finished: after a crash, the one
 * to offer to restore. Call it at startup, before this run begins its own
 * session.
 */
void
gleaner_session_store_find_unfinished_async (GleanerSessionStore *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_return_if_fail (GLEANER_IS_SESSION_STORE (self));
  g_return_if_fail (self->writer_thread != NULL);

  start_job (self, JOB_UNFINISHED, 0, FALSE, gleaner_session_store_find_unfinished_async,
             cancellable, callback, user_data);
}

/**
 * gleaner_session_store_find_unfinished_finish:
 * @self: a store
 * @result: the result passed to the callback
 * @error: return location for a %GLEANER_STORE_ERROR error, or %G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full) (nullable): the session, or %NULL (without an
 *   error) when every session is finished
 */
GleanerSessionInfo *
gleaner_session_store_find_unfinished_finish (GleanerSessionStore  *self,
                                              GAsyncResult         *result,
                                              GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        gleaner_session_store_find_unfinished_async, NULL);

  GLEANER_HAPPENS_AFTER (result);   /* see task_return_pointer() */
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * gleaner_session_store_load_session_async:
 * @self: a store
 * @session_id: the session to load
 * @cancellable: (nullable): a cancellable
 * @callback: called on the owner's context
 * @user_data: data for @callback
 *
 * Reads a whole session back: its targets in input order and its results as
 * #GleanerResult objects (made in the reader thread, delivered immutable).
 */
void
gleaner_session_store_load_session_async (GleanerSessionStore *self,
                                          gint64               session_id,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (GLEANER_IS_SESSION_STORE (self));
  g_return_if_fail (self->writer_thread != NULL);
  g_return_if_fail (session_id > 0);

  start_job (self, JOB_LOAD, session_id, FALSE, gleaner_session_store_load_session_async,
             cancellable, callback, user_data);
}

/**
 * gleaner_session_store_load_session_finish:
 * @self: a store
 * @result: the result passed to the callback
 * @error: return location for a %GLEANER_STORE_ERROR error,
 *   %G_IO_ERROR_NOT_FOUND (no such session) or %G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full) (nullable): the session
 */
GleanerSessionContents *
gleaner_session_store_load_session_finish (GleanerSessionStore  *self,
                                           GAsyncResult         *result,
                                           GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        gleaner_session_store_load_session_async, NULL);

  GLEANER_HAPPENS_AFTER (result);   /* see task_return_pointer() */
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * gleaner_session_store_delete_session_async:
 * @self: a store
 * @session_id: the session to delete (deleting one that does not exist is not an error)
 * @cancellable: (nullable): cancels the wait for the result; the delete,
 *   once enqueued, still happens
 * @callback: called on the owner's context once the delete is on disk
 * @user_data: data for @callback
 *
 * Deletes a session with its targets and results. Goes through the writer
 * like every write, so it is ordered with them.
 */
void
gleaner_session_store_delete_session_async (GleanerSessionStore *self,
                                            gint64               session_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_return_if_fail (GLEANER_IS_SESSION_STORE (self));
  g_return_if_fail (self->writer_thread != NULL);
  g_return_if_fail (session_id > 0);

  enqueue (self, store_op_new (OP_DELETE, session_id));
  start_job (self, JOB_DELETE, session_id, TRUE, gleaner_session_store_delete_session_async,
             cancellable, callback, user_data);
}

/**
 * gleaner_session_store_delete_session_finish:
 * @self: a store
 * @result: the result passed to the callback
 * @error: return location for a %GLEANER_STORE_ERROR error or %G_IO_ERROR_CANCELLED
 *
 * Returns: %TRUE once the session is gone from disk
 */
gboolean
gleaner_session_store_delete_session_finish (GleanerSessionStore  *self,
                                             GAsyncResult         *result,
                                             GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        gleaner_session_store_delete_session_async, FALSE);

  GLEANER_HAPPENS_AFTER (result);   /* see task_return_pointer() */
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* GleanerSessionContents */

/**
 * gleaner_session_contents_free:
 * @contents: (transfer full) (nullable): what a load returned
 */
void
gleaner_session_contents_free (GleanerSessionContents *contents)
{
  if (contents == NULL)
    return;

  g_clear_object (&contents->info);
  g_clear_pointer (&contents->input, g_free);
  g_clear_pointer (&contents->targets, g_array_unref);
  g_clear_pointer (&contents->results, g_ptr_array_unref);
  g_free (contents);
}

/**
 * gleaner_session_contents_get_missing:
 * @contents: a loaded session
 * @cancelled_is_missing: count a target whose result is %GLEANER_ERROR_CANCELLED
 *   (a run stopped by the user) as missing too
 *
 * What a restore fetches: the targets without a result, in input order.
 *
 * Returns: (transfer full) (element-type GleanerSessionTarget): a new array
 *   (the strings are copies)
 */
GArray *
gleaner_session_contents_get_missing (GleanerSessionContents *contents,
                                      gboolean                cancelled_is_missing)
{
  g_autoptr(GHashTable) answered = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) ids = NULL;
  GArray *missing = NULL;

  g_return_val_if_fail (contents != NULL, NULL);

  /* The hash table keys point into `ids`, which does not move once filled. */
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), contents->results->len);
  for (guint i = 0; i < contents->results->len; i++)
    {
      GleanerResult *result = g_ptr_array_index (contents->results, i);
      gint64 id = (gint64)gleaner_result_get_id (result);

      if (cancelled_is_missing &&
          gleaner_result_get_error_kind (result) == GLEANER_ERROR_CANCELLED)
        continue;
      g_array_append_val (ids, id);
    }
  for (guint i = 0; i < ids->len; i++)
    g_hash_table_add (answered, &g_array_index (ids, gint64, i));

  missing = targets_array_new ();
  for (guint i = 0; i < contents->targets->len; i++)
    {
      const GleanerSessionTarget *target = &g_array_index (contents->targets,
                                                           GleanerSessionTarget, i);
      gint64 id = (gint64)target->id;
      GleanerSessionTarget copy;

      if (g_hash_table_contains (answered, &id))
        continue;
      copy.id = target->id;
      copy.url = g_strdup (target->url);
      g_array_append_val (missing, copy);
    }

  return missing;
}
