import { ApiError, validationFailed } from "../http/api-error.ts";
import type { Label } from "../state/model.ts";
import type { Store } from "../state/store.ts";
import { labelByName } from "./queries.ts";

/** The color GitHub gives a label created without one (also when an issue names an unknown label). */
export const DEFAULT_LABEL_COLOR = "ededed";

/** A label color as GitHub takes it: six hex digits, an optional leading `#` dropped. 422 otherwise. */
export function labelColor(value: string): string {
  const color = value.replace(/^#/, "");
  if (!/^[0-9a-fA-F]{6}$/.test(color))
    throw validationFailed([{ resource: "Label", field: "color", code: "invalid" }]);
  return color.toLowerCase();
}

/** A label name as GitHub takes it: not blank, at most 50 characters. 422 otherwise. */
export function labelName(value: string): string {
  const name = value.trim();
  if (name === "")
    throw validationFailed([{ resource: "Label", field: "name", code: "missing_field" }]);
  if (name.length > 50)
    throw validationFailed([
      {
        resource: "Label",
        field: "name",
        code: "invalid",
        message: "name is too long (maximum is 50 characters)",
      },
    ]);
  return name;
}

/**
 * Label names from a request's `labels` (strings or `{ name }` objects), without duplicates
 * (names compare case-insensitively). 422 when an item is neither.
 */
export function labelNames(value: unknown, resource = "Issue"): string[] {
  if (!Array.isArray(value))
    throw new ApiError(
      422,
      `Invalid request.\n\nFor 'labels', ${JSON.stringify(value)} is not an array.`,
      {
        errors: [{ resource, field: "labels", code: "invalid" }],
      },
    );
  const names = new Map<string, string>();
  for (const item of value as unknown[]) {
    const raw =
      typeof item === "string"
        ? item
        : typeof item === "object" &&
            item !== null &&
            typeof (item as { name?: unknown }).name === "string"
          ? (item as { name: string }).name
          : undefined;
    if (raw === undefined)
      throw validationFailed([
        {
          resource,
          field: "labels",
          code: "invalid",
          message: `${JSON.stringify(item)} is not a label name`,
        },
      ]);
    const name = labelName(raw);
    if (!names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
  }
  return [...names.values()];
}

/** A stored label, new or not, plus whether it must still be created (validation first, changes last). */
export interface PlannedLabel {
  label: Label;
  create: boolean;
}

/** The labels that `names` stand for in a repository; unknown names become new labels with the default color. */
export function planLabels(store: Store, repoId: number, names: readonly string[]): PlannedLabel[] {
  return names.map((name) => {
    const existing = labelByName(store, repoId, name);
    if (existing) return { label: existing, create: false };
    return {
      label: { id: 0, repoId, name, color: DEFAULT_LABEL_COLOR, description: null, default: false },
      create: true,
    };
  });
}

/** Stores the labels a plan creates (giving them ids) and returns every planned label. */
export function applyLabelPlan(store: Store, plan: readonly PlannedLabel[]): Label[] {
  return plan.map(({ label, create }) => {
    if (!create) return label;
    const created = { ...label, id: store.nextId() };
    store.labels.set(created.id, created);
    return created;
  });
}
