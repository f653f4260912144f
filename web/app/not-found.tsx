import Link from 'next/link'

export default function NotFound() {
  return (
    <section className="empty" data-state="not-found">
      <h1>Not found</h1>
      <p>
        Nothing is stored under this address. Pods are kept for the store's retention (180 days by default);
        events for 14 days. <Link href="/">Back to the overview</Link>.
      </p>
    </section>
  )
}
