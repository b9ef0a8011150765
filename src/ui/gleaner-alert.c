/* gleaner-alert.c: a question with Cancel and one destructive answer
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * AdwAlertDialog (libadwaita 1.5) replaces AdwMessageDialog (deprecated in
 * 1.6); both say "response" with the same arguments, so callers need not
 * know which one they got.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "gleaner-alert.h"

/**
 * gleaner_alert_confirm:
 * @parent: the widget the question is about (its window is the dialog's parent)
 * @heading: the question, e.g. "Delete Session?"
 * @body: plain text (never markup: it may hold a file or session name)
 * @confirm_id: the response id of the destructive answer
 * @confirm_label: its mnemonic label, e.g. "_Delete"
 * @callback: a "response" handler: (GObject *dialog, const char *response,
 *   gpointer user_data); Cancel, Escape and closing answer "cancel"
 * @user_data: for @callback
 * @notify: (nullable): frees @user_data with the dialog, answered or not
 *
 * Shows the question, Cancel first and the default, the answer in red.
 *
 * Returns: (transfer none): the dialog, for callers to attach data to
 */
GObject *
gleaner_alert_confirm (GtkWidget      *parent,
                       const char     *heading,
                       const char     *body,
                       const char     *confirm_id,
                       const char     *confirm_label,
                       GCallback       callback,
                       gpointer        user_data,
                       GDestroyNotify  notify)
{
  g_return_val_if_fail (GTK_IS_WIDGET (parent), NULL);

#if ADW_CHECK_VERSION (1, 5, 0)
  {
    AdwDialog *dialog = adw_alert_dialog_new (heading, NULL);

    adw_alert_dialog_set_body_use_markup (ADW_ALERT_DIALOG (dialog), FALSE);
    adw_alert_dialog_set_body (ADW_ALERT_DIALOG (dialog), body);
    adw_alert_dialog_add_responses (ADW_ALERT_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    confirm_id, confirm_label,
                                    NULL);
    adw_alert_dialog_set_response_appearance (ADW_ALERT_DIALOG (dialog), confirm_id,
                                              ADW_RESPONSE_DESTRUCTIVE);
    adw_alert_dialog_set_default_response (ADW_ALERT_DIALOG (dialog), "cancel");
    adw_alert_dialog_set_close_response (ADW_ALERT_DIALOG (dialog), "cancel");
    g_signal_connect_data (dialog, "response", callback, user_data,
                           (GClosureNotify)(void (*) (void)) notify, 0);
    adw_dialog_present (dialog, parent);
    return G_OBJECT (dialog);
  }
#else
  {
    GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (parent)),
                                                heading, NULL);

    adw_message_dialog_set_body_use_markup (ADW_MESSAGE_DIALOG (dialog), FALSE);
    adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body);
    adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                      "cancel", _("_Cancel"),
                                      confirm_id, confirm_label,
                                      NULL);
    adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), confirm_id,
                                                ADW_RESPONSE_DESTRUCTIVE);
    adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
    adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
    g_signal_connect_data (dialog, "response", callback, user_data,
                           (GClosureNotify)(void (*) (void)) notify, 0);
    gtk_window_present (GTK_WINDOW (dialog));
    return G_OBJECT (dialog);
  }
#endif
}
