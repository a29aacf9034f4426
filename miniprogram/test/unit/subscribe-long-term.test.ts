import './weapp-env'
import type { jest } from '@jest/globals';
import { beforeEach, describe, expect, it } from '@jest/globals'
import Taro from '@tarojs/taro'
import { storageMap } from './__mocks__/taro'
import { session } from '../../src/services/session'
import { idsToAsk, prefetchSubscribeTemplates, resetSubscribeTemplates, subscribeOnTap } from '../../src/services/subscribe'

// Issue 13, item 8: long-term subscribe messages where the account may use them, one kind per tap (WeChat
// refuses mixed calls with errCode 20002), and one-time consents again once the user declines the long-term one.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mock answers whatever shape each call needs
type AnyMock = jest.Mock<(...a: any[]) => any>
const request = Taro.request as unknown as AnyMock
const subscribe = Taro.requestSubscribeMessage as unknown as AnyMock
const T = { templates: { case_progress: 'one-progress', case_task: 'one-task' }, longTerm: { case_progress: 'lt-progress' } }

beforeEach(() => {
  storageMap.clear()
  resetSubscribeTemplates()
  request.mockReset().mockImplementation((o: { url: string }) =>
    Promise.resolve({ statusCode: 200, data: o.url === '/api/v1/subscriptions/templates' ? T : { credits: {}, longTerm: {} }, header: {} }))
  subscribe.mockReset()
  session.save({ token: 'tok', user: { id: 'u1', name: '市民', roles: ['resident'], orgNodeCode: null } })
})

const posted = () => request.mock.calls.filter((c) => (c[0] as { url: string }).url === '/api/v1/subscriptions').map((c) => (c[0] as { data: unknown }).data)

describe('idsToAsk', () => {
  it('asks the long-term ids first, never mixed with one-time ids', () => {
    expect(idsToAsk(T, ['case_progress', 'case_task'], {})).toEqual(['lt-progress'])
  })
  it('after a long-term accept, asks one-time only for keys without one', () => {
    expect(idsToAsk(T, ['case_progress', 'case_task'], { 'lt-progress': 'accept' })).toEqual(['one-task'])
    expect(idsToAsk(T, ['case_progress'], { 'lt-progress': 'accept' })).toEqual([])
  })
  it('after a long-term refusal, falls back to one-time consents', () => {
    expect(idsToAsk(T, ['case_progress'], { 'lt-progress': 'reject' })).toEqual(['one-progress'])
  })
  it('asks one-time ids where the account offers no long-term templates, and nothing before the ids are loaded', () => {
    expect(idsToAsk({ templates: T.templates }, ['case_progress'], {})).toEqual(['one-progress'])
    expect(idsToAsk(null, ['case_progress'], {})).toEqual([])
  })
})

describe('subscribeOnTap with long-term templates', () => {
  it('accepts long-term once, posts it, and the next tap asks nothing more for that message', async () => {
    subscribe.mockResolvedValue({ errMsg: 'requestSubscribeMessage:ok', 'lt-progress': 'accept' })
    await prefetchSubscribeTemplates()
    await subscribeOnTap(['case_progress'])
    expect(subscribe).toHaveBeenCalledWith({ tmplIds: ['lt-progress'] })
    expect(posted()).toEqual([{ results: { 'lt-progress': 'accept' } }])
    await subscribeOnTap(['case_progress'])
    expect(subscribe).toHaveBeenCalledTimes(1)
  })

  it('declined, asks one-time consents on the next tap', async () => {
    subscribe.mockResolvedValueOnce({ errMsg: 'requestSubscribeMessage:ok', 'lt-progress': 'reject' })
    subscribe.mockResolvedValueOnce({ errMsg: 'requestSubscribeMessage:ok', 'one-progress': 'accept' })
    await prefetchSubscribeTemplates()
    await subscribeOnTap(['case_progress'])
    await subscribeOnTap(['case_progress'])
    expect(subscribe.mock.calls.map((c) => c[0])).toEqual([{ tmplIds: ['lt-progress'] }, { tmplIds: ['one-progress'] }])
    expect(posted()).toEqual([{ results: { 'lt-progress': 'reject' } }, { results: { 'one-progress': 'accept' } }])
  })
})
