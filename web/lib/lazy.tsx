"use client";

import { lazy, Suspense, type ComponentType, type ReactNode } from "react";

/**
 * A component whose code loads on its first render, with `loading` shown meanwhile: next/dynamic
 * without its loadable runtime (about 4 kB of every first load), on React's own lazy and Suspense.
 * For client-rendered parts of the shell only (what next/dynamic's `ssr: false` was used for): on
 * the server the fallback is what renders.
 */
export function lazyComponent<P extends object>(load: () => Promise<ComponentType<P>>, opts: { loading?: () => ReactNode } = {}): ComponentType<P> {
  const Lazy = lazy(() => load().then((component) => ({ default: component })));
  const Loading = opts.loading;
  function LazyComponent(props: P) {
    return (
      <Suspense fallback={Loading ? <Loading /> : null}>
        <Lazy {...props} />
      </Suspense>
    );
  }
  return LazyComponent;
}
