// Images: what pulls cost, by image and size class, how each split was obtained, node caches, concurrent pulls.
import { FilterBar } from '@/components/filter-bar.tsx'
import {
  ConcurrentPullsTable,
  ImagePullTable,
  ImageSplitChart,
  NodeCacheTable,
} from '@/components/image-pulls-panels.tsx'
import { StoreProblem } from '@/components/states.tsx'
import { parseDashboardQuery, queryString, type RawSearchParams, timeOnly } from '@/lib/search-params.ts'
import { RANGES } from '@/lib/time-range.ts'
import { loadImagesView } from '@/server/dashboard-data.ts'

export const dynamic = 'force-dynamic'

export default async function ImagesPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const query = parseDashboardQuery(await searchParams, Date.now())
  const filters = {
    cluster: query.cluster,
    namespace: query.namespace,
  }
  const suffix = queryString(timeOnly(query))
  let view: Awaited<ReturnType<typeof loadImagesView>> | null = null
  let error: string | null = null
  try {
    view = await loadImagesView(query.window, filters)
  } catch (err) {
    error = (err as Error).message
  }
  return (
    <>
      <h1>Images</h1>
      <p className="subtitle">
        Pull time by image and size class. Download vs decompress says how it was obtained:{' '}
        <code>measured</code> (per-layer apply times), <code>profile</code> (a stored image profile) or{' '}
        <code>size-model</code> (sizes and assumed rates: an estimate).
      </p>
      <FilterBar
        range={query.window.range}
        from={query.window.from}
        to={query.window.to}
        ranges={Object.keys(RANGES)}
        fields={[
          { name: 'cluster', label: 'cluster', value: query.cluster, options: [] },
          { name: 'namespace', label: 'namespace', value: query.namespace, options: [] },
        ]}
      />
      {error || !view ? (
        <StoreProblem error={error ?? 'no answer'} />
      ) : (
        <>
          <section
            className="panel"
            aria-labelledby="h-images"
            style={{ marginBottom: '0.9rem', overflowX: 'auto' }}
          >
            <h2 id="h-images">Pull time by image and size class</h2>
            <p className="note">
              Slowest p90 first. Sizes as the kubelet reported them (compressed on containerd, uncompressed on
              CRI-O).
            </p>
            <ImagePullTable images={view.images} suffix={suffix} />
          </section>
          <div className="grid">
            <section className="panel" aria-labelledby="h-split">
              <h2 id="h-split">Download vs decompress</h2>
              <p className="note">
                Mean per pull that has a split; the table above gives the method behind each.
              </p>
              <ImageSplitChart images={view.images} />
            </section>
            <section className="panel" aria-labelledby="h-cache">
              <h2 id="h-cache">Image cache hit rate per node</h2>
              <p className="note">Lowest first: nodes that pull most of what they run.</p>
              <NodeCacheTable nodes={view.nodes} suffix={suffix} />
            </section>
          </div>
          <section className="panel" aria-labelledby="h-concurrent">
            <h2 id="h-concurrent">Concurrent pulls of the same image</h2>
            <p className="note">
              Most nodes starting a pull of one image within one minute: registry pressure, the P2P signal.
            </p>
            <ConcurrentPullsTable rows={view.concurrent} suffix={suffix} />
          </section>
        </>
      )}
    </>
  )
}
