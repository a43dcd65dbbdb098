/**
 * Metric templates and alert providers: documents named `namespace/name` that serve canaries of
 * that namespace in every cluster. So their scope is the namespace in every cluster (`*`): reading
 * one needs `read` there, writing one `register` there (docs/security.md).
 */
import type { Scope } from '../domain/authz/authorize.js';
import type { Documents } from '../ports/store.js';
import type { Access } from './access.js';
import { NotFoundError } from './errors.js';

/** What the documents are called in messages (`metric template`, `alert provider`). */
export interface NamespacedDocuments<T> {
  docs: Documents<T>;
  what: string;
}

const scopeOf = (namespace: string): Scope => ({ cluster: '*', namespace });

/** One document; 403 before it is read unless the caller may read its namespace, 404 if absent. */
export async function getNamespaced<T>(
  d: NamespacedDocuments<T>,
  access: Access,
  namespace: string,
  name: string,
  signal: AbortSignal,
): Promise<T> {
  await access.require('read', scopeOf(namespace));
  const doc = await d.docs.get(`${namespace}/${name}`, signal);
  if (!doc) throw new NotFoundError(`${d.what} ${namespace}/${name} not found`);
  return doc;
}

/** Puts a document (`register` in its namespace); `created` when it is new. */
export async function putNamespaced<T>(
  d: NamespacedDocuments<T>,
  access: Access,
  namespace: string,
  name: string,
  doc: T,
  signal: AbortSignal,
): Promise<{ created: boolean }> {
  await access.require('register', scopeOf(namespace));
  const existed = (await d.docs.get(`${namespace}/${name}`, signal)) !== undefined;
  await d.docs.put(`${namespace}/${name}`, doc, signal);
  return { created: !existed };
}

/** Deletes a document (`register` in its namespace); 404 if absent. */
export async function removeNamespaced<T>(
  d: NamespacedDocuments<T>,
  access: Access,
  namespace: string,
  name: string,
  signal: AbortSignal,
): Promise<void> {
  await access.require('register', scopeOf(namespace));
  if (!(await d.docs.get(`${namespace}/${name}`, signal)))
    throw new NotFoundError(`${d.what} ${namespace}/${name} not found`);
  await d.docs.delete(`${namespace}/${name}`, signal);
}
