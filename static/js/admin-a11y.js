/* Names for what Django's admin leaves unnamed, so that screen readers can announce it:
 *
 * - the empty header cells of inline tables (the column of the saved row's name and links,
 *   and the last column when rows cannot be deleted);
 * - the autocomplete boxes (select2), whose combobox is named by the chosen value only
 *   (nothing at all while empty) and whose search field in multiple-choice boxes has no
 *   name: both get the label of the field, or the name the row's <select> carries (inline
 *   rows, see NamedCellsFormSet), and the chosen value is the combobox's content instead of
 *   a nameless read-only text box inside it;
 * - the "clear all" cross that select2 puts inside its list of choices, where a list may
 *   only hold list items: it is a mouse shortcut (Backspace does the same), so it is hidden
 *   from screen readers.
 *
 * Select2 builds its boxes after the page loads and rebuilds parts of them on each change,
 * so the fixes are applied again whenever the page's content changes.
 */
"use strict";
{
    const COLUMN_NAMES = {original: "Saved record", last: "No deletion"};
    let scheduled = false;

    function fieldName(select) {
        if (select.getAttribute("aria-label")) {
            return select.getAttribute("aria-label");
        }
        const label = select.id && document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
        return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
    }

    function nameAutocompletes() {
        document.querySelectorAll("select.admin-autocomplete").forEach((select) => {
            const container = select.nextElementSibling;
            if (!container || !container.classList.contains("select2-container")) {
                return;
            }
            const name = fieldName(select);
            if (!name) {
                return;
            }
            const combobox = container.querySelector(".select2-selection");
            if (combobox && combobox.getAttribute("aria-label") !== name) {
                // aria-labelledby (the chosen value) would win over aria-label: the value is
                // still announced, as the combobox's content.
                combobox.removeAttribute("aria-labelledby");
                combobox.setAttribute("aria-label", name);
            }
            container.querySelectorAll(".select2-selection__rendered[role=textbox]").forEach((value) => {
                value.removeAttribute("role");
                value.removeAttribute("aria-readonly");
            });
            container.querySelectorAll(".select2-search__field").forEach((field) => {
                field.setAttribute("aria-label", name);
            });
            container.querySelectorAll(".select2-selection__clear").forEach((cross) => {
                cross.setAttribute("aria-hidden", "true");
            });
        });
    }

    function nameEmptyColumns() {
        document.querySelectorAll(".inline-group thead th").forEach((th) => {
            if (th.textContent.trim() !== "") {
                return;
            }
            const hidden = document.createElement("span");
            hidden.className = "visually-hidden";
            hidden.textContent = th.classList.contains("original") ? COLUMN_NAMES.original : COLUMN_NAMES.last;
            th.append(hidden);
        });
    }

    function apply() {
        scheduled = false;
        nameEmptyColumns();
        nameAutocompletes();
    }

    function schedule() {
        if (!scheduled) {
            scheduled = true;
            window.requestAnimationFrame(apply);
        }
    }

    document.addEventListener("DOMContentLoaded", () => {
        apply();
        new MutationObserver(schedule).observe(document.body, {childList: true, subtree: true});
    });
    // The autocomplete boxes are built by handlers of the same event that may run after ours.
    window.addEventListener("load", apply);
}
