/* gleaner-history-window.c: the journaled sessions, to reopen or delete
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "gleaner-alert.h"
#include "gleaner-session-store.h"
#include "gleaner-ui-util.h"
#include "gleaner-history-window.h"

struct _GleanerHistoryWindow
{
  AdwWindow           parent_instance;

  /* Template children */
  AdwToastOverlay    *toast_overlay;
  GtkStack           *stack;
  AdwStatusPage      *off_page;
  GtkListBox         *list_box;

  /* Owned */
  GleanerApplication *app;
  GCancellable       *cancellable;  /* the list being read; cancelled on close */
  GListModel         *sessions;     /* GleanerSessionInfo, newest first; NULL before the first list */

  guint               n_listing;    /* list queries on their way */
  guint               n_deleting;   /* deletes on their way */
};

G_DEFINE_FINAL_TYPE (GleanerHistoryWindow, gleaner_history_window, ADW_TYPE_WINDOW)

static GleanerSessionStore *
get_store (GleanerHistoryWindow *self)
{
  return self->app != NULL ? gleaner_application_get_session_store (self->app) : NULL;
}

static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
show_toast (GleanerHistoryWindow *self,
            const char           *message)
{
  if (self->toast_overlay != NULL)
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/* Rows. Titles come from the web or the user's input: plain text only. */

static char *
session_title (GleanerSessionInfo *info)
{
  const char *title = gleaner_session_info_get_title (info);

  if (title == NULL || title[0] == '\0')
    return g_strdup (_("Untitled Session"));

  return g_utf8_make_valid (title, -1);
}

static char *
session_subtitle (GleanerHistoryWindow *self,
                  GleanerSessionInfo   *info)
{
  guint64 n_targets = gleaner_session_info_get_n_targets (info);
  guint64 n_failed = gleaner_session_info_get_n_failed (info);
  guint64 n_missing = gleaner_session_info_get_n_missing (info);
  g_autofree char *date = gleaner_ui_format_date (gleaner_session_info_get_created (info));
  g_autofree char *links = gleaner_ui_format_count (n_targets);
  GString *text = g_string_new (date);

  g_string_append (text, " · ");
  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%s link", "%s links", n_targets),
                          links);
  if (n_failed > 0)
    {
      g_autofree char *failed = gleaner_ui_format_count (n_failed);

      g_string_append (text, " · ");
      /* Translators: links of a session whose fetch failed */
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%s failed", "%s failed",
                                                 n_failed), failed);
    }
  if (gleaner_application_is_session_open (self->app, gleaner_session_info_get_id (info)))
    {
      g_string_append (text, " · ");
      g_string_append (text, _("open in a window"));
    }
  else if (!gleaner_session_info_get_finished (info))
    {
      g_string_append (text, " · ");
      /* Translators: a session that a crash interrupted */
      g_string_append (text, _("interrupted"));
    }
  if (n_missing > 0)
    {
      g_autofree char *missing = gleaner_ui_format_count (n_missing);

      g_string_append (text, " · ");
      /* Translators: links of a session that were never fetched */
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%s not fetched",
                                                 "%s not fetched", n_missing), missing);
    }

  return g_string_free (text, FALSE);
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  GleanerHistoryWindow *self = user_data;
  GleanerSessionInfo *info = item;
  gint64 id = gleaner_session_info_get_id (info);
  g_autofree char *title = session_title (info);
  g_autofree char *subtitle = session_subtitle (self, info);
  gboolean open = gleaner_application_is_session_open (self->app, id);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *title_label = gtk_label_new (NULL);
  GtkWidget *subtitle_label = gtk_label_new (NULL);
  GtkWidget *delete_button = gtk_button_new_from_icon_name ("user-trash-symbolic");

  gtk_widget_set_margin_top (box, 9);
  gtk_widget_set_margin_bottom (box, 9);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);

  gtk_label_set_text (GTK_LABEL (title_label), title);
  gtk_label_set_xalign (GTK_LABEL (title_label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (title_label), PANGO_ELLIPSIZE_END);
  gtk_label_set_text (GTK_LABEL (subtitle_label), subtitle);
  gtk_label_set_xalign (GTK_LABEL (subtitle_label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (subtitle_label), TRUE);
  gtk_widget_add_css_class (subtitle_label, "dim-label");
  gtk_widget_add_css_class (subtitle_label, "caption");

  gtk_widget_set_valign (delete_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (delete_button, "flat");
  gtk_widget_add_css_class (delete_button, "circular");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (delete_button), "history.delete");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (delete_button), "x", id);
  /* A window journals into it: deleting it under the window would lose the rest. */
  gtk_widget_set_sensitive (delete_button, !open);
  gtk_widget_set_tooltip_text (delete_button, open ? _("Open in a Window: Close It to Delete")
                                                   : _("Delete"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (delete_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Delete"), -1);

  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (texts), title_label);
  gtk_box_append (GTK_BOX (texts), subtitle_label);
  gtk_box_append (GTK_BOX (box), texts);
  gtk_box_append (GTK_BOX (box), delete_button);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle, -1);
  /* Translators: tooltip of a session in History */
  gtk_widget_set_tooltip_text (row, _("Open This Session"));
  g_object_set_data_full (G_OBJECT (row), "gleaner-session",
                          g_object_ref (info), g_object_unref);

  return row;
}

/* What the window shows: the list, or why there is none. */
static void
update_page (GleanerHistoryWindow *self)
{
  const GError *error = self->app != NULL ? gleaner_application_get_store_error (self->app) : NULL;

  if (self->stack == NULL)
    return;

  if (get_store (self) == NULL)
    {
      if (error != NULL)
        {
          /* The status page's description is markup; the message names a file. */
          g_autofree char *escaped = g_markup_escape_text (error->message, -1);
          g_autofree char *text = g_strdup_printf ("%s\n\n%s",
                                                   _("Sessions cannot be saved or reopened "
                                                     "until the history can be read."),
                                                   escaped);

          adw_status_page_set_description (self->off_page, text);
          gtk_stack_set_visible_child_name (self->stack, "off");
        }
      else
        gtk_stack_set_visible_child_name (self->stack, "loading");
      return;
    }

  if (self->sessions == NULL)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  else if (g_list_model_get_n_items (self->sessions) == 0)
    gtk_stack_set_visible_child_name (self->stack, "empty");
  else
    gtk_stack_set_visible_child_name (self->stack, "list");
}

static void
list_sessions_cb (GObject      *source,
                  GAsyncResult *res,
                  gpointer      user_data)
{
  g_autoptr(GleanerHistoryWindow) self = user_data;
  g_autoptr(GListModel) sessions = NULL;
  g_autoptr(GError) error = NULL;

  sessions = gleaner_session_store_list_sessions_finish (GLEANER_SESSION_STORE (source), res, &error);
  self->n_listing--;
  if (sessions == NULL)
    {
      if (!is_cancelled (error))
        {
          g_autofree char *message = NULL;

          /* Translators: %s says why (a technical message) */
          message = g_strdup_printf (_("Could not read the history: %s"), error->message);
          show_toast (self, message);
        }
      return;
    }

  /* A newer list may be on its way: only the last one answered counts, and
   * every answer sees every write made before it was asked. */
  if (self->n_listing > 0 || self->list_box == NULL)
    return;

  g_set_object (&self->sessions, sessions);
  gtk_list_box_bind_model (self->list_box, self->sessions, create_row_cb, self, NULL);
  update_page (self);
}

/**
 * gleaner_history_window_refresh:
 *
 * Reads the list of sessions again (in a thread).
 */
void
gleaner_history_window_refresh (GleanerHistoryWindow *self)
{
  GleanerSessionStore *store;

  g_return_if_fail (GLEANER_IS_HISTORY_WINDOW (self));

  store = get_store (self);
  update_page (self);
  if (store == NULL)
    return;

  self->n_listing++;
  gleaner_session_store_list_sessions_async (store, self->cancellable, list_sessions_cb,
                                             g_object_ref (self));
}

static void
app_store_changed_cb (GleanerApplication   *app,
                      GParamSpec           *pspec,
                      GleanerHistoryWindow *self)
{
  g_clear_object (&self->sessions);
  if (self->list_box != NULL)
    gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
  gleaner_history_window_refresh (self);
}

/* Counts change while runs go on in the windows: read again when we come back. */
static void
is_active_changed_cb (GleanerHistoryWindow *self,
                      GParamSpec           *pspec,
                      gpointer              user_data)
{
  if (gtk_window_is_active (GTK_WINDOW (self)) && self->sessions != NULL)
    gleaner_history_window_refresh (self);
}

static GleanerSessionInfo *
find_session (GleanerHistoryWindow *self,
              gint64                session_id)
{
  if (self->sessions == NULL)
    return NULL;

  for (guint i = 0; i < g_list_model_get_n_items (self->sessions); i++)
    {
      g_autoptr(GleanerSessionInfo) info = g_list_model_get_item (self->sessions, i);

      if (gleaner_session_info_get_id (info) == session_id)
        return info;   /* the model keeps its reference */
    }

  return NULL;
}

static void
row_activated_cb (GtkListBox           *list_box,
                  GtkListBoxRow        *row,
                  GleanerHistoryWindow *self)
{
  GleanerSessionInfo *info = g_object_get_data (G_OBJECT (row), "gleaner-session");

  if (info != NULL)
    gleaner_history_window_open_session (self, gleaner_session_info_get_id (info));
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  gleaner_history_window_open_session (GLEANER_HISTORY_WINDOW (widget),
                                       g_variant_get_int64 (parameter));
}

static void
delete_response_cb (GObject    *dialog,
                    const char *response,
                    gpointer    user_data)
{
  GleanerHistoryWindow *self = user_data;
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (dialog, "gleaner-session-id"));

  if (g_strcmp0 (response, "delete") == 0)
    gleaner_history_window_delete_session (self, id);
}

/* Deleting is for good (the store keeps no copy): asked first. */
static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  GleanerHistoryWindow *self = GLEANER_HISTORY_WINDOW (widget);
  gint64 id = g_variant_get_int64 (parameter);
  GleanerSessionInfo *info = find_session (self, id);
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  GObject *dialog;

  if (info == NULL)
    return;

  title = session_title (info);
  /* Translators: %s is the title of a session in History */
  body = g_strdup_printf (_("“%s”, its links and their titles will be gone for good."), title);

  dialog = gleaner_alert_confirm (GTK_WIDGET (self), _("Delete Session?"), body,
                                  "delete", _("_Delete"),
                                  G_CALLBACK (delete_response_cb),
                                  g_object_ref (self), g_object_unref);
  g_object_set_data (dialog, "gleaner-session-id", GSIZE_TO_POINTER ((gsize)id));
}

/* GObject */

static void
gleaner_history_window_dispose (GObject *object)
{
  GleanerHistoryWindow *self = (GleanerHistoryWindow *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->app != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->app, self);
      g_clear_object (&self->app);
    }
  if (self->list_box != NULL)
    gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), GLEANER_TYPE_HISTORY_WINDOW);

  g_clear_object (&self->sessions);

  G_OBJECT_CLASS (gleaner_history_window_parent_class)->dispose (object);
}

static void
gleaner_history_window_finalize (GObject *object)
{
  GleanerHistoryWindow *self = (GleanerHistoryWindow *)object;

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (gleaner_history_window_parent_class)->finalize (object);
}

static void
gleaner_history_window_class_init (GleanerHistoryWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gleaner_history_window_dispose;
  object_class->finalize = gleaner_history_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/gleaner/Gleaner/gleaner-history-window.ui");
  gtk_widget_class_bind_template_child (widget_class, GleanerHistoryWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, GleanerHistoryWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, GleanerHistoryWindow, off_page);
  gtk_widget_class_bind_template_child (widget_class, GleanerHistoryWindow, list_box);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_install_action (widget_class, "history.open", "x", open_action);
  gtk_widget_class_install_action (widget_class, "history.delete", "x", delete_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
gleaner_history_window_init (GleanerHistoryWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  g_signal_connect (self, "notify::is-active", G_CALLBACK (is_active_changed_cb), NULL);
}

/* Public API */

/**
 * gleaner_history_window_present:
 * @parent: (nullable): the window History was asked from
 *
 * Shows History for @application's store, modal for @parent; the one already
 * open for @parent is raised instead of a second one.
 *
 * Returns: (transfer none): the history window
 */
GtkWidget *
gleaner_history_window_present (GleanerApplication *application,
                                GtkWindow          *parent)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GleanerHistoryWindow *self = NULL;

  g_return_val_if_fail (GLEANER_IS_APPLICATION (application), NULL);

  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && self == NULL; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (GLEANER_IS_HISTORY_WINDOW (window) &&
          gtk_window_get_transient_for (window) == parent)
        self = GLEANER_HISTORY_WINDOW (window);
    }

  if (self == NULL)
    {
      self = g_object_new (GLEANER_TYPE_HISTORY_WINDOW, NULL);
      self->app = g_object_ref (application);
      g_signal_connect_object (application, "notify::session-store",
                               G_CALLBACK (app_store_changed_cb), self, 0);
      if (parent != NULL)
        gtk_window_set_transient_for (GTK_WINDOW (self), parent);
      gleaner_history_window_refresh (self);
    }

  gtk_window_present (GTK_WINDOW (self));
  return GTK_WIDGET (self);
}

/* Whether a list or a delete is on its way. */
gboolean
gleaner_history_window_get_busy (GleanerHistoryWindow *self)
{
  g_return_val_if_fail (GLEANER_IS_HISTORY_WINDOW (self), FALSE);

  return self->n_listing > 0 || self->n_deleting > 0;
}

/**
 * gleaner_history_window_get_sessions:
 *
 * Returns: (transfer none) (nullable): the sessions shown, newest first
 */
GListModel *
gleaner_history_window_get_sessions (GleanerHistoryWindow *self)
{
  g_return_val_if_fail (GLEANER_IS_HISTORY_WINDOW (self), NULL);

  return self->sessions;
}

/* The rows in the list box. */
guint
gleaner_history_window_get_n_shown (GleanerHistoryWindow *self)
{
  guint n = 0;

  g_return_val_if_fail (GLEANER_IS_HISTORY_WINDOW (self), 0);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    n += GTK_IS_LIST_BOX_ROW (row);

  return n;
}

/* What activating a row does: the session opens in the window History was
 * asked from when that one is empty, else in a new window; History closes. */
void
gleaner_history_window_open_session (GleanerHistoryWindow *self,
                                     gint64                session_id)
{
  GtkWindow *parent;

  g_return_if_fail (GLEANER_IS_HISTORY_WINDOW (self));

  if (self->app == NULL || find_session (self, session_id) == NULL)
    return;

  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  gleaner_application_open_session (self->app, session_id, parent);
  gtk_window_close (GTK_WINDOW (self));
}

static void
delete_session_cb (GObject      *source,
                   GAsyncResult *res,
                   gpointer      user_data)
{
  g_autoptr(GleanerHistoryWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  self->n_deleting--;
  if (!gleaner_session_store_delete_session_finish (GLEANER_SESSION_STORE (source), res, &error))
    {
      if (!is_cancelled (error))
        {
          g_autofree char *message = NULL;

          /* Translators: %s says why (a technical message) */
          message = g_strdup_printf (_("Could not delete the session: %s"), error->message);
          show_toast (self, message);
        }
      return;
    }

  show_toast (self, _("Session deleted"));
  gleaner_history_window_refresh (self);
}

/* What the confirmation's Delete does. A session that a window journals
 * into is not deleted. */
void
gleaner_history_window_delete_session (GleanerHistoryWindow *self,
                                       gint64                session_id)
{
  GleanerSessionStore *store;

  g_return_if_fail (GLEANER_IS_HISTORY_WINDOW (self));

  store = get_store (self);
  if (store == NULL || session_id <= 0 ||
      gleaner_application_is_session_open (self->app, session_id))
    return;

  gleaner_application_session_deleted (self->app, session_id);
  self->n_deleting++;
  /* Not cancelled with the window: the delete, once asked, completes. */
  gleaner_session_store_delete_session_async (store, session_id, NULL, delete_session_cb,
                                              g_object_ref (self));
}
