// One image: the startups that used it (read raw: image is not a rollup dimension), its pulls, its profile.
import { ImagePullTable } from '@/components/image-pulls-panels.tsx'
import { ScopePage } from '@/components/scope-page.tsx'
import { Empty } from '@/components/states.tsx'
import { formatBytes, formatTime } from '@/lib/format.ts'
import { parseDashboardQuery, queryString, type RawSearchParams, timeOnly } from '@/lib/search-params.ts'
import { loadImageProfile, loadImagesView } from '@/server/dashboard-data.ts'

export const dynamic = 'force-dynamic'

export default async function ImagePage(props: {
  params: Promise<{ image: string }>
  searchParams: Promise<RawSearchParams>
}) {
  const image = decodeURIComponent((await props.params).image)
  const query = parseDashboardQuery(await props.searchParams, Date.now())
  const filters = { image, cluster: query.cluster }
  let extra: React.ReactNode = null
  try {
    const pulls = await loadImagesView(query.window, filters)
    const profile = await loadImageProfile(image)
    extra = (
      <div className="grid">
        <section className="panel" aria-labelledby="h-image-pulls" style={{ overflowX: 'auto' }}>
          <h2 id="h-image-pulls">Pulls of this image</h2>
          <ImagePullTable images={pulls.images} suffix={queryString(timeOnly(query))} />
        </section>
        <section className="panel" aria-labelledby="h-profile" data-section="image-profile">
          <h2 id="h-profile">Image profile</h2>
          {profile ? (
            <table>
              <tbody>
                <tr>
                  <td>reference</td>
                  <td>{profile.reference}</td>
                </tr>
                <tr>
                  <td>measured</td>
                  <td>
                    {formatTime(profile.measuredAt)} on {profile.host}
                  </td>
                </tr>
                <tr>
                  <td>compressed / uncompressed</td>
                  <td>
                    {formatBytes(profile.compressedBytes)} / {formatBytes(profile.uncompressedBytes)}
                  </td>
                </tr>
                <tr>
                  <td>layers / files</td>
                  <td>
                    {profile.layers} / {profile.files.toLocaleString('en-US')}
                  </td>
                </tr>
                <tr>
                  <td>download rate</td>
                  <td>{formatBytes(profile.downloadBytesPerSec)}/s</td>
                </tr>
                <tr>
                  <td>extract rate</td>
                  <td>{formatBytes(profile.extractBytesPerSec)}/s</td>
                </tr>
                {Object.entries(profile.inflateBytesPerSec).map(([tool, rate]) => (
                  <tr key={tool}>
                    <td>inflate ({tool})</td>
                    <td>{formatBytes(rate)}/s</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <Empty title="No profile stored for this image.">
              Run <code>podstart profile-image {image} --store</code> to measure its layers; splits then use{' '}
              <code>profile</code> instead of <code>size-model</code>.
            </Empty>
          )}
        </section>
      </div>
    )
  } catch (err) {
    extra = <Empty title="Pulls of this image could not be read.">{(err as Error).message}</Empty>
  }
  return (
    <ScopePage
      title={`Image ${image}`}
      subtitle="Startups of pods that run this image."
      crumbs={[
        { href: '/', label: 'Overview' },
        { href: `/images${queryString(timeOnly(query))}`, label: 'Images' },
      ]}
      query={query}
      filters={filters}
      filterFields={['cluster']}
      groups={['workload', 'node']}
      advice={{ cluster: query.cluster, image }}
      extra={extra}
    />
  )
}
