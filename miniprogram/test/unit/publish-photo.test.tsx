import './weapp-env'
import type { jest } from '@jest/globals'
import { beforeEach, describe, expect, it } from '@jest/globals'
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { CaseDto, PhotoDto } from '@finecity/types'
import CaseView from '../../src/components/CaseView'
import { storageMap } from './__mocks__/taro'
import { aCase } from './fixtures'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mock answers whatever shape each call needs
type AnyMock = jest.Mock<(...a: any[]) => any>
const request = Taro.request as unknown as AnyMock
type Req = { url: string; method: string; data?: { published?: boolean } }

const PHOTO: PhotoDto = { id: '22222222-2222-4222-8222-222222222222', kind: 'before', url: '/p/full', thumbUrl: '/p/thumb', width: 800, height: 600, published: false }

beforeEach(() => {
  storageMap.clear()
  request.mockReset().mockImplementation((o: Req) =>
    Promise.resolve(o.url.includes('/publish')
      ? { statusCode: 200, data: { photoId: PHOTO.id, published: o.data!.published }, header: {} }
      : { statusCode: 200, data: { items: [] }, header: {} }))
})

describe('公开 under a case photo (photo.publish, issue 13)', () => {
  it('lets district staff make a photo public, and says so', async () => {
    let latest: CaseDto | null = null
    const c = aCase({ photos: [PHOTO], canPublishPhotos: true })
    const { rerender } = render(<CaseView c={c} onChange={(x) => { latest = x }} />)
    const sw = screen.getByRole('switch', { name: '公开' })
    expect(sw.getAttribute('aria-checked')).toBe('false')
    fireEvent.click(sw)
    await waitFor(() => expect(latest).not.toBeNull())
    const sent = request.mock.calls.map((x) => x[0] as Req).find((o) => o.url.endsWith(`/photos/${PHOTO.id}/publish`))!
    expect([sent.method, sent.data]).toEqual(['POST', { published: true }])
    expect(latest!.photos![0]!.published).toBe(true)
    rerender(<CaseView c={latest!} onChange={() => {}} />)
    expect(screen.getByRole('switch', { name: '已公开' }).getAttribute('aria-checked')).toBe('true')
  })

  it('shows no switch to anyone without the permission', () => {
    render(<CaseView c={aCase({ photos: [PHOTO] })} onChange={() => {}} />)
    expect(screen.queryByRole('switch', { name: /公开/ })).toBeNull()
  })
})
