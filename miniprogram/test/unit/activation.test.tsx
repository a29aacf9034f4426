import type { jest } from '@jest/globals'
import { beforeEach, describe, expect, it } from '@jest/globals'
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import { storageMap } from './__mocks__/taro'
import Login from '../../src/pages/login/index'
import { session } from '../../src/services/session'

type Req = { url: string; method: string; data?: unknown }
const request = Taro.request as unknown as jest.Mock<(o: Req) => Promise<unknown>>
const answer = (statusCode: number, data: unknown) => Promise.resolve({ statusCode, data, header: {} })
const logins = () => request.mock.calls.map((c) => c[0]).filter((r) => r.url === '/api/v1/auth/wechat')

/** The H5 build with the sandbox on: the demo accounts and the activation section (演示). */
function server(login: (body: Record<string, string>) => Promise<unknown>) {
  request.mockImplementation((o: Req) => {
    if (o.url === '/api/v1/sandbox/accounts') return answer(200, { accounts: [] })
    if (o.url === '/api/v1/auth/options') return answer(200, { wecom: null, sandbox: true })
    if (o.url === '/api/v1/auth/wechat') return login(o.data as Record<string, string>)
    return answer(404, { error: { code: 'not_found', message: '不存在' } })
  })
}

beforeEach(() => {
  storageMap.clear()
  session.logout()
  request.mockReset()
  ;(Taro.reLaunch as jest.Mock).mockClear()
})

describe('staff activation on the login page', () => {
  it('refuses a code that is not 6 digits without asking the server', async () => {
    server(() => answer(200, {}))
    render(<Login />)
    fireEvent.change(await screen.findByLabelText('激活码'), { target: { value: '12345' } })
    fireEvent.click(screen.getByRole('button', { name: '激活' }))
    expect((await screen.findByRole('alert')).textContent).toBe('请输入短信中的 6 位数字激活码')
    expect(logins()).toEqual([])
  })

  it('sends the code with this browser\'s sandbox identity, shows the server\'s refusal in Chinese, then signs in', async () => {
    let tries = 0
    server(() => (++tries === 1
      ? answer(401, { error: { code: 'auth.invite_invalid', message: '激活码不正确，还可尝试 4 次' } })
      : answer(200, { token: 't', user: { id: 'u', name: '王新网', roles: ['inspector'], orgNodeCode: '210202001010001' } })))
    render(<Login />)
    fireEvent.change(await screen.findByLabelText('激活码'), { target: { value: '654321' } })
    fireEvent.click(screen.getByRole('button', { name: '激活' }))
    expect((await screen.findByRole('alert')).textContent).toBe('激活码不正确，还可尝试 4 次')
    fireEvent.click(screen.getByRole('button', { name: '激活' }))
    await waitFor(() => expect(Taro.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' }))
    const [first, second] = logins().map((r) => r.data as Record<string, string>)
    expect(first).toEqual({ code: expect.stringMatching(/^sandbox:h5-/), inviteCode: '654321' })
    expect(second!.code).toBe(first!.code) // one browser, one WeChat identity
    expect(session.user()?.name).toBe('王新网')
  })

  it('activates by mobile in the sandbox demo (sandbox-phone:<mobile>)', async () => {
    server(() => answer(200, { token: 't', user: { id: 'u', name: '李社区', roles: ['community'], orgNodeCode: '21020200101' } }))
    render(<Login />)
    fireEvent.change(await screen.findByLabelText('演示：手机号快速验证（沙箱）'), { target: { value: '13912345678' } })
    fireEvent.click(screen.getByRole('button', { name: '用手机号激活（演示）' }))
    await waitFor(() => expect(logins()).toHaveLength(1))
    expect(logins()[0]!.data).toEqual({ code: expect.stringMatching(/^sandbox:/), phoneCode: 'sandbox-phone:13912345678' })
  })
})
