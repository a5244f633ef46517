/** Props of {@link ErrorPage}. */
export interface ErrorPageProps {
  title: string;
  message: string;
  /** Optional link back, e.g. to the sign-in page. */
  back?: { href: string; label: string };
}

/** A short error screen (403, 404, throttled, expired form). */
export function ErrorPage({ title, message, back }: ErrorPageProps) {
  return (
    <section class="error" role="alert">
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <a href={back?.href ?? "/"}>{back?.label ?? "返回首页"}</a>
      </p>
    </section>
  );
}
